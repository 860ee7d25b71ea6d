import { describe, expect, it } from "vitest";
import { createPacer } from "#adapters/abm-scim/pacer.js";

/** start times of `n` requests that all ask at `at`, each waiting what the pacer says */
function starts(pacer: ReturnType<typeof createPacer>, at: number, n: number, perSecond: number): number[] {
  return Array.from({ length: n }, () => at + pacer.reserve(at, perSecond));
}

describe("createPacer", () => {
  it("spaces requests that ask together by 1/rate, after a few ms of slack", () => {
    const pacer = createPacer();
    const times = starts(pacer, 0, 10, 100); // 100/s: 10 ms apart; 20 ms of slack = 2 at once
    expect(times).toEqual([0, 0, 10, 20, 30, 40, 50, 60, 70, 80]);
  });

  it("follows a new rate from the next request on", () => {
    const pacer = createPacer();
    starts(pacer, 0, 2, 100);
    expect(pacer.reserve(0, 50)).toBeCloseTo(20, 5);
    expect(pacer.reserve(0, 50)).toBeCloseTo(40, 5);
  });

  it("does not bank idle time: after a quiet second only the slack goes at once", () => {
    const pacer = createPacer();
    starts(pacer, 0, 5, 100);
    const times = starts(pacer, 2000, 4, 100);
    expect(times).toEqual([2000, 2000, 2010, 2020]);
  });

  it("makes a Retry-After pause up afterwards at twice the rate, for as long as it lasted", () => {
    const pacer = createPacer();
    starts(pacer, 0, 2, 100);
    pacer.paused(0, 1000, 100);
    // 1 s paused at 100/s: 100 starts owed, sent beside the regular ones over the next second
    const after = starts(pacer, 1000, 300, 100);
    const inFirstSecond = after.filter((t) => t < 2000).length;
    expect(inFirstSecond).toBeGreaterThanOrEqual(199);
    expect(inFirstSecond).toBeLessThanOrEqual(202);
    // never more than the slack at once
    expect(after.filter((t) => t === 1000).length).toBeLessThanOrEqual(3);
    // then the rate again: the last 100 take a second
    const last100 = (after.at(-1) ?? 0) - (after.at(-101) ?? 0);
    expect(last100).toBeGreaterThanOrEqual(980);
    expect(last100).toBeLessThanOrEqual(1010);
  });

  it("lines waiters up: each reservation waits for the one before it", () => {
    const pacer = createPacer();
    const waits = Array.from({ length: 4 }, () => pacer.reserve(0, 10));
    expect(waits).toEqual([0, 100, 200, 300]);
    // a request at 150 ms queues behind them
    expect(pacer.reserve(150, 10)).toBeCloseTo(250, 5);
  });
});
