import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { targetsFromEmulators } from "#app/connection.js";
import { type EmulatorPair, startEmulators } from "#app/emulators.js";
import type { RunningService } from "#app/runtime.js";
import { loadConfig } from "#config/load-config.js";
import { abmInProcess } from "#test/support/abm-in-process.js";
import { startTestService } from "#test/support/service.js";

/**
 * The service against a rate-limited ABM (20 requests/s): the sync completes, and how hard the SCIM
 * client presses ABM (its adaptive concurrency limit, its pace, the 429s) shows in /metrics and in
 * `abm status` (text and --json).
 */
describe("the SCIM client's pressure on ABM, in /metrics and status", () => {
  const env = { SYNC_SCOPE: "all", SYNC_CONCURRENCY: "8" };
  const config = loadConfig(env);
  let pair: EmulatorPair;
  let service: RunningService;

  beforeAll(async () => {
    if (!config.ok) throw config.error;
    pair = await startEmulators({ users: 60, seed: 21, problemRate: 0, abmFaults: { rateLimitPerSecond: 20 } });
    service = await startTestService({
      config: config.value,
      targets: { default: targetsFromEmulators(pair) },
      env,
    });
  });
  afterAll(async () => {
    await service?.stop();
    await pair?.close();
  });

  const abm = (...argv: string[]) => abmInProcess(service.services, config, argv, env);

  it("syncs every user through the rate limit and reports the 429s it met", async () => {
    const before = await (await fetch(`${service.url}/metrics`)).text();
    expect(before).toMatch(/^abm_scim_concurrency_limit\{connection="default"\} 8$/m);
    expect(before).toMatch(/^abm_scim_rate_limited_total\{connection="default"\} 0$/m);
    expect(before).toMatch(/^abm_scim_paced_requests_per_second\{connection="default"\} 0$/m);

    const run = await service.services.connections[0].engine.runCycle({
      kind: "full",
      trigger: "cli",
      actor: { id: "system", platform: "system" },
    });
    expect(run.ok && run.value.counts).toMatchObject({ created: 60, failed: 0 });
    expect(pair.abm.users()).toHaveLength(60);
    const limited = pair.abm.stats().injected.rateLimited;
    expect(limited).toBeGreaterThan(0);

    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toContain("# TYPE abm_scim_rate_limited_total counter");
    expect(metrics).toMatch(new RegExp(`^abm_scim_rate_limited_total{connection="default"} ${limited}$`, "m"));
    expect(metrics).toMatch(/^abm_scim_concurrency_max\{connection="default"\} 8$/m);
    const limit = Number(/^abm_scim_concurrency_limit\{connection="default"\} (\d+)$/m.exec(metrics)?.[1]);
    expect(limit).toBeGreaterThanOrEqual(1);
    expect(limit).toBeLessThanOrEqual(8);
    // whether the pace is still set when the cycle ends depends on timing (it is released as the rate
    // grows back); the pacer's own rules are unit-tested (test/unit/abm-scim/pacer.test.ts)
    expect(metrics).toMatch(/^abm_scim_paced_requests_per_second\{connection="default"\} \d+(\.\d+)?$/m);

    const json = await abm("status", "--json");
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as { status: Record<string, unknown> };
    expect(doc.status.scimClient).toMatchObject({ concurrencyMax: 8, rateLimited: limited, serverErrors: 0 });
    // the fields that were there before are all still there
    expect(Object.keys(doc.status)).toEqual(
      expect.arrayContaining(["engine", "state", "scope", "lastRun", "linkedUsers", "failingUsers", "notes"]),
    );
    const text = await abm("status");
    expect(text.stdout).toMatch(
      new RegExp(`ABM requests\\s+\\d of 8 at once, paced to \\d+/s, ${limited} answered 429`),
    );
  });
});
