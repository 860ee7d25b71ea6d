import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttpServer, listen, type RunningHttpServer } from "#app/http/server.js";
import { createMetricsRegistry } from "#app/metrics.js";
import { silentLogger } from "#core/logger.js";

describe("service HTTP server", () => {
  let running: RunningHttpServer;
  let ready = true;

  beforeAll(async () => {
    const server = createHttpServer({
      routes: [
        { method: "POST", path: "/echo", handler: (_req, res) => void res.end("echo") },
        {
          method: "GET",
          path: "/boom",
          handler: () => {
            throw new Error("kaboom");
          },
        },
      ],
      readiness: [{ name: "db", check: async () => ({ ok: ready, detail: ready ? "up" : "down" }) }],
      metrics: createMetricsRegistry(),
      logger: silentLogger,
    });
    running = await listen(server, 0);
  });
  afterAll(() => running.close());

  it("answers /healthz, routes, and 404s unknown paths with a coded error", async () => {
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    expect(await (await fetch(`${running.url}/echo`, { method: "POST" })).text()).toBe("echo");
    const missing = await fetch(`${running.url}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "http.not_found" } });
  });

  it("reports readiness from its checks", async () => {
    expect((await fetch(`${running.url}/readyz`)).status).toBe(200);
    ready = false;
    const res = await fetch(`${running.url}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ready: false, checks: [{ name: "db", ok: false }] });
    ready = true;
  });

  it("turns a throwing handler into a 500 without leaking the error text", async () => {
    const res = await fetch(`${running.url}/boom`);
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain("kaboom");
  });

  it("exposes Prometheus metrics with request counts", async () => {
    const text = await (await fetch(`${running.url}/metrics`)).text();
    expect(text).toContain("# TYPE abm_http_requests_total counter");
    expect(text).toMatch(/abm_http_requests_total\{route="\/healthz",status="200"\} \d+/);
    expect(text).toContain("abm_http_request_seconds_bucket");
  });
});
