import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpServer, HTTP_LIMITS, listen, type RunningHttpServer } from "#app/http/server.js";
import { createMetricsRegistry } from "#app/metrics.js";
import { silentLogger } from "#core/logger.js";
import { openRaw, postHead, type RawExchange } from "#test/support/raw-http.js";

/**
 * Issue 13 item 9, server side, over raw loopback sockets: a client that trickles its headers is
 * cut, connections are capped, and a declared body over the cap is refused unread. The
 * production limits are checked as values; the behaviour runs with shortened timeouts.
 */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function serverWith(limits: Parameters<typeof createHttpServer>[0]["limits"]) {
  let bodies = 0;
  const server = createHttpServer({
    routes: [
      {
        method: "POST",
        path: "/echo",
        handler: async (req, res) => {
          bodies += 1;
          for await (const _ of req) {
            // drain
          }
          res.end("echo");
        },
      },
    ],
    readiness: [],
    metrics: createMetricsRegistry(),
    logger: silentLogger,
    ...(limits === undefined ? {} : { limits }),
  });
  return { server, bodies: () => bodies };
}

describe("HTTP server limits", () => {
  it("defaults to 10 s for headers, 15 s per request, a connection cap and a 256 KiB body cap", () => {
    const { server } = serverWith(undefined);
    expect(server.headersTimeout).toBe(10_000);
    expect(server.requestTimeout).toBe(15_000);
    expect(server.maxConnections).toBe(HTTP_LIMITS.maxConnections);
    expect(Number.isFinite(server.maxConnections)).toBe(true);
    expect(HTTP_LIMITS.maxBodyBytes).toBe(256 * 1024);
  });

  describe("with short limits", () => {
    let running: RunningHttpServer;
    let bodies: () => number;
    const open: RawExchange[] = [];
    beforeAll(async () => {
      const built = serverWith({
        headersTimeoutMs: 600,
        requestTimeoutMs: 1_200,
        checkIntervalMs: 100,
        maxConnections: 4,
      });
      bodies = built.bodies;
      running = await listen(built.server, 0);
    });
    afterAll(async () => {
      for (const raw of open) raw.socket.destroy();
      await running.close();
    });

    it("cuts a client that sends its headers one byte at a time", async () => {
      const raw = await openRaw(running.port);
      open.push(raw);
      const head = postHead("/echo", { "Content-Length": "2" });
      let cut = false;
      const started = performance.now();
      for (const byte of head) {
        if (raw.socket.destroyed || !raw.socket.writable) break;
        raw.socket.write(byte);
        if (await raw.closed(150)) {
          cut = true;
          break;
        }
        if (performance.now() - started > 4_000) break;
      }
      cut ||= await raw.closed(1_000);
      expect(cut).toBe(true);
      expect(performance.now() - started).toBeLessThan(3_000);
      expect(bodies()).toBe(0);
    });

    it("refuses a declared body over 256 KiB with 413 before reading it", async () => {
      const raw = await openRaw(running.port);
      open.push(raw);
      raw.socket.write(postHead("/echo", { "Content-Length": String(1024 * 1024) }));
      expect(await raw.status(1_000)).toBe(413);
      expect(raw.received()).toContain("http.body_too_large");
      expect(await raw.closed(1_000)).toBe(true);
      expect(bodies()).toBe(0);
    });

    it("drops connections beyond the cap", async () => {
      const idle: RawExchange[] = [];
      for (let i = 0; i < 4; i += 1) idle.push(await openRaw(running.port));
      open.push(...idle);
      await sleep(100);
      const extra = await openRaw(running.port);
      open.push(extra);
      expect(await extra.closed(1_000)).toBe(true);
      for (const raw of idle) expect(raw.socket.destroyed).toBe(false);
      for (const raw of idle) raw.socket.destroy();
      await sleep(100);
      const later = await openRaw(running.port);
      open.push(later);
      later.socket.write(`${postHead("/echo", { "Content-Length": "2" })}hi`);
      expect(await later.status(1_000)).toBe(200);
    });
  });
});
