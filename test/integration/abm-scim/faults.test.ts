import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createBearerAuth } from "#adapters/abm-scim/auth.js";
import { type AbmEmulator, startAbmEmulator } from "#emulators/abm/server.js";
import { clientFor, testUser, when } from "./support.js";

let emulator: AbmEmulator;

beforeAll(async () => {
  emulator = await startAbmEmulator({ token: "fault-token", seed: 42 });
});
afterAll(async () => emulator.close());
beforeEach(() => emulator.reset());

describe("AbmScimTarget under faults", () => {
  it("waits the full Retry-After on 429, then succeeds", async () => {
    const client = clientFor(emulator);
    emulator.setFaults({ status429Rate: 1, retryAfterSeconds: 1 });
    const cleared = when(
      emulator,
      (s) => s.injected.status429 >= 1,
      () => emulator.setFaults({}),
    );
    const started = performance.now();
    const result = await client.create(testUser("slow"));
    const elapsed = performance.now() - started;
    await cleared;
    client.close();
    expect(result.ok).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    expect(emulator.stats().byMethod.POST).toEqual({ "429": 1, "201": 1 });
  });

  it("gives a 429 back with retryAfterMs when the wait would pass the deadline", async () => {
    const client = clientFor(emulator, { retry: { maxAttempts: 5, deadlineMs: 500, baseDelayMs: 10 } });
    emulator.setFaults({ status429Rate: 1, retryAfterSeconds: 2 });
    const result = await client.get("some-id");
    client.close();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("scim.rate_limited");
      expect(result.error.retryAfterMs).toBe(2000);
    }
    expect(emulator.stats().byMethod.GET).toEqual({ "429": 1 });
  });

  it("retries a 5xx and succeeds without a duplicate", async () => {
    const client = clientFor(emulator, { retry: { maxAttempts: 5, deadlineMs: 20_000, baseDelayMs: 50 } });
    emulator.setFaults({ status5xxRate: 1 });
    const cleared = when(
      emulator,
      (s) => s.injected.status5xx >= 2,
      () => emulator.setFaults({}),
    );
    const result = await client.create(testUser("flaky"));
    await cleared;
    client.close();
    expect(result.ok).toBe(true);
    expect(emulator.users()).toHaveLength(1);
  });

  it("does not retry a 400", async () => {
    const client = clientFor(emulator);
    const result = await client.create({ ...testUser("x"), userName: "not-an-email" });
    client.close();
    expect(result.ok ? "ok" : result.error.code).toBe("scim.invalid");
    expect(emulator.stats().byMethod.POST).toEqual({ "400": 1 });
  });

  it("recovers from a reset after the server created the user, without creating it twice", async () => {
    const client = clientFor(emulator, { retry: { maxAttempts: 5, deadlineMs: 20_000, baseDelayMs: 300 } });
    emulator.setFaults({ resetRate: 1 });
    const cleared = when(
      emulator,
      (s) => s.injected.resets >= 1,
      () => emulator.setFaults({}),
    );
    const result = await client.create(testUser("reset"));
    await cleared;
    client.close();
    expect(result.ok).toBe(true);
    expect(emulator.users()).toHaveLength(1);
    if (result.ok) expect(result.value.id).toBe(emulator.users()[0]?.id);
    // the POST was answered by a reset; the client looked the user up instead of POSTing again
    expect(emulator.stats().byMethod.POST).toEqual({ reset: 1 });
    expect(emulator.stats().byMethod.GET).toEqual({ "200": 1 });
  });

  it("creates 150 users through mixed seeded faults with no duplicates and no losses", async () => {
    const client = clientFor(emulator, {
      concurrency: 8,
      retry: { maxAttempts: 15, deadlineMs: 30_000, baseDelayMs: 5, maxDelayMs: 50 },
    });
    emulator.setFaults({ status429Rate: 0.1, retryAfterSeconds: 0, status5xxRate: 0.1, resetRate: 0.1 });
    const results = await Promise.all(Array.from({ length: 150 }, (_, i) => client.create(testUser(`mix${i}`))));
    emulator.setFaults({});
    client.close();
    expect(results.filter((r) => !r.ok)).toEqual([]);
    const users = emulator.users();
    expect(users).toHaveLength(150);
    expect(new Set(users.map((u) => u.externalId)).size).toBe(150);
    const { injected } = emulator.stats();
    expect(injected.status429).toBeGreaterThan(0);
    expect(injected.status5xx).toBeGreaterThan(0);
    expect(injected.resets).toBeGreaterThan(0);
  });

  it("times out a slow request and reports scim.transient", async () => {
    const client = clientFor(emulator, {
      requestTimeoutMs: 100,
      retry: { maxAttempts: 2, deadlineMs: 5_000, baseDelayMs: 10 },
    });
    emulator.setFaults({ latencyMs: 400 });
    const result = await client.get("any");
    emulator.setFaults({});
    client.close();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("scim.transient");
      expect(result.error.context).toMatchObject({ network: "timeout", attempts: 2 });
    }
  });

  it("reports a bad token as scim.auth, once, without the token", async () => {
    const secret = "wrong-secret-token-value";
    const client = clientFor(emulator, { auth: createBearerAuth(secret) });
    const result = await client.findByUserName("a@example.com");
    client.close();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe("scim.auth");
      expect(result.error.retryable).toBe(false);
      expect(result.error.message).toMatch(/expired or was revoked/);
      expect(result.error.message).toMatch(/Directory Sync/);
      expect(JSON.stringify(result.error)).not.toContain(secret);
      expect(result.error.message).not.toContain(secret);
    }
    expect(emulator.stats().byMethod.GET).toEqual({ "401": 1 });
  });
});
