import { describe, expect, it } from "vitest";
import { createScheduler } from "#app/scheduler.js";
import { systemClock } from "#core/clock.js";
import { silentLogger } from "#core/logger.js";

describe("scheduler", () => {
  it("runs a cycle when due, waits for the next due time, and stops after the cycle in flight", async () => {
    let last = 0;
    let running = 0;
    let maxConcurrent = 0;
    const runs: number[] = [];
    const scheduler = createScheduler({
      clock: systemClock,
      logger: silentLogger,
      pollMs: 20,
      target: {
        dueAt: async () => new Date(last + 100),
        runScheduled: async () => {
          running += 1;
          maxConcurrent = Math.max(maxConcurrent, running);
          runs.push(Date.now());
          await new Promise((r) => setTimeout(r, 10));
          last = Date.now();
          running -= 1;
        },
      },
    });
    scheduler.start();
    await new Promise((r) => setTimeout(r, 350));
    await scheduler.stop();
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(runs.length).toBeLessThanOrEqual(5);
    expect(maxConcurrent).toBe(1);
    for (let i = 1; i < runs.length; i += 1) expect((runs[i] ?? 0) - (runs[i - 1] ?? 0)).toBeGreaterThanOrEqual(95);
  });

  it("does nothing while paused (dueAt null) and wakes on poke", async () => {
    let paused = true;
    let count = 0;
    const scheduler = createScheduler({
      clock: systemClock,
      logger: silentLogger,
      pollMs: 10_000,
      target: {
        dueAt: async () => (paused ? null : new Date(0)),
        runScheduled: async () => {
          count += 1;
          paused = true;
        },
      },
    });
    scheduler.start();
    await new Promise((r) => setTimeout(r, 50));
    expect(count).toBe(0);
    paused = false;
    scheduler.poke();
    await new Promise((r) => setTimeout(r, 50));
    expect(count).toBe(1);
    await scheduler.stop();
  });

  it("keeps going after a failing cycle", async () => {
    let count = 0;
    const scheduler = createScheduler({
      clock: systemClock,
      logger: silentLogger,
      pollMs: 10,
      target: {
        dueAt: async () => new Date(0),
        runScheduled: async () => {
          count += 1;
          throw new Error("boom");
        },
      },
    });
    scheduler.start();
    await new Promise((r) => setTimeout(r, 100));
    await scheduler.stop();
    expect(count).toBeGreaterThan(2);
  });
});
