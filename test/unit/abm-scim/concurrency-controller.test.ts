import { describe, expect, it } from "vitest";
import {
  type ConcurrencyController,
  createConcurrencyController,
  type Outcome,
} from "#adapters/abm-scim/concurrency-controller.js";

/** `n` requests, one every `everyMs` from `from`, each answered `latencyMs` later with `outcome`; returns the end time. */
function traffic(
  c: ConcurrencyController,
  from: number,
  n: number,
  everyMs: number,
  outcome: Outcome,
  latencyMs = 1,
): number {
  let at = from;
  for (let i = 0; i < n; i++) {
    at = from + i * everyMs;
    c.end(c.begin(at), outcome, at + latencyMs);
  }
  return at + latencyMs;
}

describe("createConcurrencyController", () => {
  it("starts at the ceiling, unpaced, with nothing counted", () => {
    const c = createConcurrencyController({ max: 8 });
    expect(c.limit()).toBe(8);
    expect(c.paceIntervalMs()).toBeNull();
    expect(c.snapshot()).toEqual({
      concurrencyLimit: 8,
      concurrencyMax: 8,
      pacedPerSecond: null,
      rateLimited: 0,
      serverErrors: 0,
    });
  });

  it("refuses a ceiling that is not a positive integer", () => {
    expect(() => createConcurrencyController({ max: 0 })).toThrow(RangeError);
    expect(() => createConcurrencyController({ max: 2.5 })).toThrow(RangeError);
  });

  it("on a 429 cuts the limit and paces to 95 % of the rate ABM accepted", () => {
    const c = createConcurrencyController({ max: 10 });
    // 300 requests/s accepted for 2 s
    const t = traffic(c, 0, 600, 1000 / 300, "ok");
    c.end(c.begin(t), "rate_limited", t + 1);
    expect(c.limit()).toBe(7);
    const paced = c.snapshot().pacedPerSecond ?? 0;
    expect(paced).toBeGreaterThan(0.95 * 300 * 0.95);
    expect(paced).toBeLessThan(0.95 * 300 * 1.05);
    expect(c.paceIntervalMs()).toBeCloseTo(1000 / paced, 1);
  });

  it("counts a burst of 429s from requests already in flight as one decrease", () => {
    const c = createConcurrencyController({ max: 32, minDecreaseIntervalMs: 0 });
    traffic(c, 0, 100, 10, "ok");
    const inFlight = Array.from({ length: 32 }, () => c.begin(1000));
    for (const [i, ticket] of inFlight.entries()) c.end(ticket, "rate_limited", 1005 + i * 100);
    expect(c.limit()).toBe(22);
    expect(c.snapshot().rateLimited).toBe(32);
    const paced = c.snapshot().pacedPerSecond;
    // a request sent after the decrease and answered 429 cuts the limit again; the pace only once
    // its measurement window (5 s) has passed since it was cut
    c.end(c.begin(1010), "rate_limited", 4300);
    expect(c.limit()).toBe(15);
    expect(c.snapshot().pacedPerSecond).toBe(paced);
    // 20 requests/s accepted for 1 s since (4/s over the 5 s window), then a 429 more than 5 s after the first cut
    traffic(c, 4400, 20, 50, "ok");
    const before = c.limit();
    c.end(c.begin(5400), "rate_limited", 6100);
    expect(c.limit()).toBe(Math.floor(before * 0.7));
    expect(c.snapshot().pacedPerSecond).toBeCloseTo(0.95 * 4, 1);
  });

  it("does not cut twice within the minimum interval, even for a request sent after the cut", () => {
    const c = createConcurrencyController({ max: 10, minDecreaseIntervalMs: 1000 });
    traffic(c, 0, 50, 10, "ok");
    c.end(c.begin(600), "rate_limited", 601);
    c.end(c.begin(700), "rate_limited", 701);
    expect(c.limit()).toBe(7);
    expect(c.snapshot().rateLimited).toBe(2);
  });

  it("cuts the limit on a 5xx without pacing, and never below 1", () => {
    const c = createConcurrencyController({ max: 4, minDecreaseIntervalMs: 0 });
    let at = 0;
    const limits: number[] = [];
    for (let i = 0; i < 6; i++) {
      at += 10;
      c.end(c.begin(at), "server_error", at + 1);
      limits.push(c.limit());
    }
    expect(limits).toEqual([2, 1, 1, 1, 1, 1]);
    expect(c.paceIntervalMs()).toBeNull();
    expect(c.snapshot().serverErrors).toBe(6);
  });

  it("grows the limit by one per round-trip of answers, up to the ceiling", () => {
    const c = createConcurrencyController({ max: 10, minDecreaseIntervalMs: 0 });
    c.end(c.begin(0), "server_error", 1);
    c.end(c.begin(2), "server_error", 3);
    expect(c.limit()).toBe(4);
    traffic(c, 10, 3, 1, "ok");
    expect(c.limit()).toBe(4);
    traffic(c, 20, 1, 1, "ok");
    expect(c.limit()).toBe(5);
    traffic(c, 30, 5, 1, "ok");
    expect(c.limit()).toBe(6);
    traffic(c, 40, 1000, 1, "ok");
    expect(c.limit()).toBe(10);
  });

  it("ignores answers that never came (timeouts, resets)", () => {
    const c = createConcurrencyController({ max: 5 });
    traffic(c, 0, 10, 1, "no_answer");
    expect(c.snapshot()).toMatchObject({ concurrencyLimit: 5, pacedPerSecond: null, rateLimited: 0 });
  });

  it("grows the pace 2 %/s while it holds the client back, faster after a calm stretch", () => {
    const c = createConcurrencyController({ max: 8 });
    let t = traffic(c, 0, 1000, 5, "ok"); // 200/s
    c.end(c.begin(t), "rate_limited", t + 1);
    const start = c.snapshot().pacedPerSecond ?? 0;
    expect(start).toBeGreaterThan(180);
    expect(start).toBeLessThan(200);
    // the client sends at its pace for 5 s
    const interval = () => c.paceIntervalMs() ?? 1000;
    const sendAtPace = (seconds: number): void => {
      const until = t + seconds * 1000;
      while (t < until) {
        t += interval();
        c.end(c.begin(t), "ok", t + 1);
      }
    };
    sendAtPace(5);
    const after5s = c.snapshot().pacedPerSecond ?? 0;
    expect(after5s / start).toBeGreaterThan(1.07);
    expect(after5s / start).toBeLessThan(1.13);
    sendAtPace(10);
    const after15s = c.snapshot().pacedPerSecond ?? 0;
    // 5 s more at 2 %/s, then 5 s at 4 %/s: clearly faster than 2 %/s throughout (1.22)
    expect(after15s / after5s).toBeGreaterThan(1.28);
  });

  it("does not grow the pace while something else holds the client back", () => {
    const c = createConcurrencyController({ max: 8 });
    const t = traffic(c, 0, 1000, 5, "ok");
    c.end(c.begin(t), "rate_limited", t + 1);
    const paced = c.snapshot().pacedPerSecond ?? 0;
    // 20 requests/s for 10 s: far below the pace
    traffic(c, t + 10, 200, 50, "ok");
    expect(c.snapshot().pacedPerSecond).toBe(paced);
  });

  it("does not pace on a 429 that comes before a second of evidence", () => {
    const c = createConcurrencyController({ max: 8 });
    const t = traffic(c, 0, 100, 5, "ok"); // half a second
    c.end(c.begin(t), "rate_limited", t + 1);
    expect(c.limit()).toBe(5);
    expect(c.paceIntervalMs()).toBeNull();
  });

  it("is not ratcheted down to nothing by 429s that come whatever the rate", () => {
    const c = createConcurrencyController({ max: 8 });
    let t = traffic(c, 0, 1000, 5, "ok");
    c.end(c.begin(t), "rate_limited", t + 1);
    const start = c.snapshot().pacedPerSecond ?? 0;
    // a minute at the pace, with a 429 every second (ABM shedding load, not a rate limit)
    const until = t + 60_000;
    let nextShed = t + 1000;
    while (t < until) {
      t += c.paceIntervalMs() ?? 1000;
      const shed = t >= nextShed;
      if (shed) nextShed += 1000;
      c.end(c.begin(t), shed ? "rate_limited" : "ok", t + 1);
    }
    expect(c.snapshot().rateLimited).toBeGreaterThan(55);
    expect(c.snapshot().pacedPerSecond).toBeGreaterThan(0.8 * start);
  });

  it("leaves a quiet stretch of the client (the engine planning) out of the accepted rate", () => {
    const c = createConcurrencyController({ max: 8 });
    c.end(c.begin(0), "ok", 50); // listing ABM
    // 2 s of planning, then 400/s for 1.5 s and a 429
    const t = traffic(c, 2000, 600, 2.5, "ok");
    c.end(c.begin(t), "rate_limited", t + 1);
    expect(c.snapshot().pacedPerSecond).toBeGreaterThan(0.95 * 400 * 0.95);
  });

  it("counts a Retry-After pause as time: ABM's bucket refilled meanwhile", () => {
    const c = createConcurrencyController({ max: 8 });
    let t = traffic(c, 0, 600, 2.5, "ok"); // 400/s for 1.5 s
    c.end(c.begin(t), "rate_limited", t + 1);
    const first = c.snapshot().pacedPerSecond ?? 0;
    // a 1 s pause, then 4.5 s at the pace, then a 429: the pause is in the 5 s window
    t += 1000;
    const until = t + 4500;
    while (t < until) {
      t += c.paceIntervalMs() ?? 1000;
      c.end(c.begin(t), "ok", t + 1);
    }
    c.end(c.begin(t), "rate_limited", t + 2);
    const second = c.snapshot().pacedPerSecond ?? 0;
    // about 0.95 × (4.5 s of requests ÷ 5 s); without the pause counted it would be ≈ 0.95 × the pace
    expect(second).toBeLessThan(0.95 * first * 0.95);
  });

  it("measures the accepted rate over the current busy spell, not the idle time before it", () => {
    const c = createConcurrencyController({ max: 8 });
    traffic(c, 0, 100, 10, "ok");
    // 30 s idle, then 500/s for 1 s, then a 429
    const t = traffic(c, 30_000, 500, 2, "ok");
    c.end(c.begin(t), "rate_limited", t + 1);
    expect(c.snapshot().pacedPerSecond).toBeGreaterThan(400);
  });
});
