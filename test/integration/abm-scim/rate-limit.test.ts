import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AbmEmulator, startAbmEmulator } from "#emulators/abm/server.js";
import { clientFor, testUser } from "./support.js";

let emulator: AbmEmulator;

beforeAll(async () => {
  emulator = await startAbmEmulator({ token: "rate-token", seed: 7 });
});
afterAll(async () => emulator.close());

describe("AbmScimTarget against a rate-limited ABM", () => {
  it("creates every user under 50 requests/s, slowing down to the limit instead of hammering it", async () => {
    emulator.reset();
    emulator.setFaults({ rateLimitPerSecond: 50 });
    const client = clientFor(emulator, { concurrency: 8, retry: { maxAttempts: 5, deadlineMs: 30_000 } });
    const users = 300;
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: users }, (_, i) => client.create(testUser(`rl${i}`))));
    const seconds = (performance.now() - started) / 1000;
    const status = client.status();
    client.close();

    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(emulator.users()).toHaveLength(users);
    const stats = emulator.stats();
    // the client saw every 429 the emulator sent, and paced itself after the first ones
    expect(stats.injected.rateLimited).toBeGreaterThan(0);
    expect(status.rateLimited).toBe(stats.injected.rateLimited);
    expect(status.pacedPerSecond).not.toBeNull();
    expect(status.concurrencyLimit).toBeLessThanOrEqual(8);
    // 50 of burst + 50/s: at least 5 s; a client that hammers or stalls takes far longer
    expect(seconds).toBeGreaterThan(4.5);
    expect(seconds).toBeLessThan(15);
    // a few 429s while it finds the limit, not one per request
    expect(stats.injected.rateLimited / stats.total).toBeLessThan(0.1);
  });

  it("runs at full concurrency against a distant ABM that does not rate-limit", async () => {
    emulator.reset();
    emulator.setFaults({ latencyMs: 50 });
    const client = clientFor(emulator, { concurrency: 8 });
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 80 }, (_, i) => client.create(testUser(`far${i}`))));
    const seconds = (performance.now() - started) / 1000;
    const status = client.status();
    client.close();
    emulator.setFaults({});
    expect(results.filter((r) => !r.ok)).toEqual([]);
    // 80 requests, 8 at a time, 50 ms each: 0.5 s; one at a time would take 4 s
    expect(seconds).toBeLessThan(2);
    expect(status).toEqual({
      concurrencyLimit: 8,
      concurrencyMax: 8,
      pacedPerSecond: null,
      rateLimited: 0,
      serverErrors: 0,
    });
  });
});
