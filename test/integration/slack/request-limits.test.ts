import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatHandler } from "#adapters/slack/index.js";
import { createHarness, VIEWER } from "#test/support/chat/harness.js";
import { openRaw, postHead } from "#test/support/raw-http.js";
import { sign, slashCommandBody } from "./support/signed-request.js";
import { SECRET, type SlackFixture, startSlackFixture } from "./support/slack-fixture.js";

/**
 * Issue 13 item 9, Slack side, over raw loopback sockets: the signature headers, the timestamp
 * and Content-Length are checked before a byte of the body is read, and bodies are capped at
 * 256 KiB whether declared or chunked.
 */
describe("Slack request limits (raw HTTP on loopback)", () => {
  const harness = createHarness({ approvalsRequired: 1 });
  let handled = 0;
  const counting: ChatHandler = {
    handle: (request) => {
      handled += 1;
      return harness.core.handle(request);
    },
    handleAction: (request) => harness.core.handleAction(request),
  };
  let fx: SlackFixture;
  let port: number;

  beforeAll(async () => {
    fx = await startSlackFixture({ chat: counting });
    port = Number(new URL(fx.eventsUrl).port);
  });
  afterAll(async () => {
    await fx.close();
  });

  it("refuses an unsigned 1 MiB body with 401 before reading it, and closes the connection", async () => {
    const raw = await openRaw(port);
    raw.socket.write(
      postHead("/slack/events", {
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": String(1024 * 1024),
      }),
    );
    // not one byte of the promised megabyte has been sent: the answer must not wait for it
    expect(await raw.status(1_500)).toBe(401);
    expect(raw.received()).toContain("slack.unsigned");
    expect(await raw.closed(1_500)).toBe(true);
    expect(handled).toBe(0);
  });

  it("refuses a stale timestamp before reading the body", async () => {
    const ts = Math.floor(Date.now() / 1000) - 3_600;
    const raw = await openRaw(port);
    raw.socket.write(
      postHead("/slack/events", {
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": "100000",
        "X-Slack-Request-Timestamp": String(ts),
        "X-Slack-Signature": sign(SECRET, ts, "x"),
      }),
    );
    expect(await raw.status(1_500)).toBe(401);
    expect(raw.received()).toContain("slack.stale_request");
  });

  it("answers 413 to a signed body declared larger than 256 KiB, without reading it", async () => {
    const text = "x".repeat(300 * 1024);
    const body = slashCommandBody({ text, userId: VIEWER, responseUrl: `${fx.sink.url}/big` });
    const ts = Math.floor(Date.now() / 1000);
    const raw = await openRaw(port);
    raw.socket.write(
      postHead("/slack/events", {
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": String(Buffer.byteLength(body)),
        "X-Slack-Request-Timestamp": String(ts),
        "X-Slack-Signature": sign(SECRET, ts, body),
      }),
    );
    expect(await raw.status(1_500)).toBe(413);
    expect(raw.received()).toContain("slack.body_too_large");
    expect(await raw.closed(1_500)).toBe(true);
    expect(handled).toBe(0);
  });

  it("answers 413 to a signed chunked body once it passes 256 KiB", async () => {
    const body = slashCommandBody({ text: "y".repeat(300 * 1024), userId: VIEWER, responseUrl: `${fx.sink.url}/c` });
    const ts = Math.floor(Date.now() / 1000);
    const raw = await openRaw(port);
    raw.socket.write(
      postHead("/slack/events", {
        "Content-Type": "application/x-www-form-urlencoded",
        "Transfer-Encoding": "chunked",
        "X-Slack-Request-Timestamp": String(ts),
        "X-Slack-Signature": sign(SECRET, ts, body),
      }),
    );
    const bytes = Buffer.from(body);
    raw.socket.write(`${bytes.length.toString(16)}\r\n`);
    raw.socket.write(bytes);
    raw.socket.write("\r\n0\r\n\r\n");
    expect(await raw.status(3_000)).toBe(413);
    expect(handled).toBe(0);
  });

  it("still accepts a signed request of ordinary size", async () => {
    const body = slashCommandBody({ text: "status", userId: VIEWER, responseUrl: `${fx.sink.url}/ok` });
    const ts = Math.floor(Date.now() / 1000);
    const raw = await openRaw(port);
    raw.socket.write(
      postHead("/slack/events", {
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": String(Buffer.byteLength(body)),
        "X-Slack-Request-Timestamp": String(ts),
        "X-Slack-Signature": sign(SECRET, ts, body),
      }),
    );
    raw.socket.write(body);
    expect(await raw.status(2_000)).toBe(200);
    await fx.sink.waitFor("/ok");
    expect(handled).toBe(1);
    raw.socket.destroy();
  });
});
