import { describe, expect, it } from "vitest";
import { createFaultInjector } from "#emulators/abm/faults.js";
import { createTokenBucket } from "#emulators/abm/rate-limit.js";

describe("the ABM emulator's rate limit (token bucket)", () => {
  it("lets one second's worth through at once, then refuses with a whole-second Retry-After", () => {
    let now = 0;
    const bucket = createTokenBucket(5, () => now);
    expect(Array.from({ length: 5 }, () => bucket.take())).toEqual([null, null, null, null, null]);
    expect(bucket.take()).toBe(1);
    // a token takes 200 ms to come back
    now = 150;
    expect(bucket.take()).toBe(1);
    now = 200;
    expect(bucket.take()).toBeNull();
    expect(bucket.take()).toBe(1);
  });

  it("refills at the rate, never above one second's worth", () => {
    let now = 0;
    const bucket = createTokenBucket(100, () => now);
    let accepted = 0;
    // 10 s at 150 requests/s: 100 of burst + 100/s
    for (let i = 0; i < 1500; i++) {
      now = (i * 1000) / 150;
      if (bucket.take() === null) accepted++;
    }
    expect(accepted).toBeGreaterThanOrEqual(1099);
    expect(accepted).toBeLessThanOrEqual(1101);
    now += 60_000;
    let burst = 0;
    while (bucket.take() === null && burst < 1000) burst++;
    expect(burst).toBe(100);
  });

  it("asks for more than a second when a token takes that long (below 1 request/s)", () => {
    let now = 0;
    const bucket = createTokenBucket(0.25, () => now);
    expect(bucket.take()).toBeNull();
    expect(bucket.take()).toBe(4);
    now = 3000;
    expect(bucket.take()).toBe(1);
  });

  it("is set and cleared with the faults; a new limit starts with a full bucket", () => {
    let now = 0;
    const faults = createFaultInjector(1, () => now);
    expect(faults.rateLimit()).toBeNull();
    faults.set({ rateLimitPerSecond: 2 });
    expect([faults.rateLimit(), faults.rateLimit(), faults.rateLimit()]).toEqual([null, null, 1]);
    faults.set({ rateLimitPerSecond: 2 });
    expect(faults.rateLimit()).toBeNull();
    faults.set({});
    now = 1;
    expect(Array.from({ length: 10 }, () => faults.rateLimit()).every((r) => r === null)).toBe(true);
  });
});
