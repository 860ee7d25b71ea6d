import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatHandler } from "#adapters/slack/index.js";
import { validateSlackMessage } from "#adapters/slack/index.js";
import { createHarness, OPERATOR, VIEWER } from "#test/support/chat/harness.js";
import { blockActionBody, postSigned, slashCommandBody } from "./support/signed-request.js";
import { SECRET, type SlackFixture, startSlackFixture } from "./support/slack-fixture.js";

/** Real Bolt over real HTTP on loopback: signed slash commands, refusals, ack before slow work. */
function expectValidBlocks(body: Record<string, unknown>): void {
  expect(validateSlackMessage({ text: body.text, blocks: body.blocks })).toEqual([]);
}

describe("Slack slash commands over HTTP", () => {
  const harness = createHarness({ approvalsRequired: 1 });
  let gate: (() => void) | null = null;
  const slow: ChatHandler = {
    async handle(request) {
      if (request.text === "slow") {
        // a slow engine: held until the test releases it (at most 5 s)
        await new Promise<void>((resolve) => {
          gate = resolve;
          setTimeout(resolve, 5_000).unref();
        });
      }
      return harness.core.handle(request);
    },
    handleAction: (request) => harness.core.handleAction(request),
  };
  let fx: SlackFixture;

  beforeAll(async () => {
    fx = await startSlackFixture({ chat: slow });
  });
  afterAll(async () => {
    await fx.close();
  });

  it("acks a signed /abm status at once and answers ephemerally at the response_url", async () => {
    const body = slashCommandBody({ text: "status", userId: VIEWER, responseUrl: `${fx.sink.url}/status` });
    const sent = await postSigned(fx.eventsUrl, body, { secret: SECRET });
    expect(sent.status).toBe(200);
    expect(sent.ms).toBeLessThan(3_000);
    const [answer] = await fx.sink.waitFor("/status");
    expect(answer?.body.response_type).toBe("ephemeral");
    expect(JSON.stringify(answer?.body.blocks)).toContain("ABM sync: Idle");
    expectValidBlocks(answer?.body ?? {});
  });

  it("echoes a state change in the channel and refuses a viewer with the role it needs", async () => {
    const ok = slashCommandBody({ text: "pause", userId: OPERATOR, responseUrl: `${fx.sink.url}/pause-ok` });
    expect((await postSigned(fx.eventsUrl, ok, { secret: SECRET })).status).toBe(200);
    const [paused] = await fx.sink.waitFor("/pause-ok");
    expect(paused?.body.response_type).toBe("in_channel");
    expectValidBlocks(paused?.body ?? {});
    expect(harness.engine.paused).toBe(true);

    const refused = slashCommandBody({ text: "resume", userId: VIEWER, responseUrl: `${fx.sink.url}/resume-no` });
    expect((await postSigned(fx.eventsUrl, refused, { secret: SECRET })).status).toBe(200);
    const [answer] = await fx.sink.waitFor("/resume-no");
    expect(answer?.body.response_type).toBe("ephemeral");
    expect(String(answer?.body.text)).toMatch(/operator/i);
    expect(harness.engine.paused).toBe(true);
  });

  it("answers malformed input with a friendly usage message", async () => {
    const body = slashCommandBody({ text: "frobnicate <@U1> now", userId: VIEWER, responseUrl: `${fx.sink.url}/bad` });
    expect((await postSigned(fx.eventsUrl, body, { secret: SECRET })).status).toBe(200);
    const [answer] = await fx.sink.waitFor("/bad");
    expect(answer?.body.response_type).toBe("ephemeral");
    expectValidBlocks(answer?.body ?? {});
  });

  it("refuses a forged signature, a stale timestamp and a replayed request with 401", async () => {
    const body = slashCommandBody({ text: "status", userId: VIEWER, responseUrl: `${fx.sink.url}/never` });
    const forged = await postSigned(fx.eventsUrl, body, { secret: "not-the-secret" });
    expect(forged.status).toBe(401);
    expect(forged.body).toContain("slack.bad_signature");

    const stale = await postSigned(fx.eventsUrl, body, {
      secret: SECRET,
      timestamp: Math.floor(Date.now() / 1000) - 6 * 60,
    });
    expect(stale.status).toBe(401);
    expect(stale.body).toContain("slack.stale_request");

    const unsigned = await fetch(fx.eventsUrl, { method: "POST", body });
    expect(unsigned.status).toBe(401);

    const once = slashCommandBody({ text: "help", userId: VIEWER, responseUrl: `${fx.sink.url}/once` });
    const timestamp = Math.floor(Date.now() / 1000);
    expect((await postSigned(fx.eventsUrl, once, { secret: SECRET, timestamp })).status).toBe(200);
    const replayed = await postSigned(fx.eventsUrl, once, { secret: SECRET, timestamp });
    expect(replayed.status).toBe(401);
    expect(replayed.body).toContain("slack.replayed_request");
    await fx.sink.waitFor("/once");
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fx.sink.received.filter((r) => r.path === "/once")).toHaveLength(1);
    expect(fx.sink.received.filter((r) => r.path === "/never")).toHaveLength(0);
  });

  it("acks in well under 3 s while the engine is still working, then answers", async () => {
    const body = slashCommandBody({ text: "slow", userId: VIEWER, responseUrl: `${fx.sink.url}/slow` });
    const sent = await postSigned(fx.eventsUrl, body, { secret: SECRET });
    expect(sent.status).toBe(200);
    expect(sent.ms).toBeLessThan(1_000);
    expect(gate).not.toBeNull();
    expect(fx.sink.received.filter((r) => r.path === "/slow")).toHaveLength(0);
    gate?.();
    const [answer] = await fx.sink.waitFor("/slow");
    expect(answer?.body.response_type).toBe("ephemeral");
  });

  it("routes a stale button to a private note and ignores unknown bodies safely", async () => {
    const body = blockActionBody({
      userId: VIEWER,
      actionId: "nothing.here",
      value: "x",
      channelId: "C123",
      messageTs: "1.2",
      responseUrl: `${fx.sink.url}/stale-button`,
    });
    expect((await postSigned(fx.eventsUrl, body, { secret: SECRET })).status).toBe(200);
    const [answer] = await fx.sink.waitFor("/stale-button");
    expect(answer?.body.response_type).toBe("ephemeral");
    expect(String(answer?.body.text)).toMatch(/not valid any more/);

    const junk = await postSigned(fx.eventsUrl, "{not json", { secret: SECRET, contentType: "application/json" });
    expect(junk.status).toBe(400);
    const challenge = await postSigned(fx.eventsUrl, JSON.stringify({ type: "url_verification", challenge: "abc" }), {
      secret: SECRET,
      contentType: "application/json",
    });
    expect(JSON.parse(challenge.body)).toEqual({ challenge: "abc" });
  });
});
