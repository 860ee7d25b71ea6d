import { describe, expect, it } from "vitest";
import type { ConcurrencyController, Outcome } from "#adapters/abm-scim/concurrency-controller.js";
import type { HttpResponse } from "#adapters/abm-scim/http-transport.js";
import { createLimiter } from "#adapters/abm-scim/limiter.js";
import { systemClock } from "#core/clock.js";

/** A controller with a limit and a pace the test sets, recording the outcomes reported to it. */
function fixedController(limit: number, paceIntervalMs: number | null = null) {
  const outcomes: Outcome[] = [];
  const state = { limit, paceIntervalMs };
  const controller: ConcurrencyController = {
    begin: () => ({ seq: outcomes.length }),
    end: (_ticket, outcome) => {
      outcomes.push(outcome);
    },
    limit: () => state.limit,
    paceIntervalMs: () => state.paceIntervalMs,
    snapshot: () => ({
      concurrencyLimit: state.limit,
      concurrencyMax: limit,
      pacedPerSecond: null,
      rateLimited: 0,
      serverErrors: 0,
    }),
  };
  return { controller, outcomes, state };
}

const answer = (status: number): HttpResponse => ({ status, body: "", header: () => undefined });
const wait = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe("createLimiter", () => {
  it("never runs more than the controller's limit at once and runs everything", async () => {
    const { controller } = fixedController(3);
    const limiter = createLimiter(controller, systemClock);
    let running = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        limiter.run(async () => {
          running++;
          peak = Math.max(peak, running);
          await wait(i % 3);
          running--;
          return answer(200 + i);
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 50 }, (_, i) => 200 + i));
    expect(limiter.active()).toBe(0);
  });

  it("follows a limit that drops while requests wait", async () => {
    const { controller, state } = fixedController(4);
    const limiter = createLimiter(controller, systemClock);
    let running = 0;
    const runningAtLateStarts: number[] = [];
    const task = (late: boolean) => async (): Promise<HttpResponse> => {
      running++;
      if (late) runningAtLateStarts.push(running);
      await wait(2);
      running--;
      return answer(200);
    };
    const first = Array.from({ length: 4 }, () => limiter.run(task(false)));
    await wait(0);
    state.limit = 1;
    const late = Array.from({ length: 10 }, () => limiter.run(task(true)));
    await Promise.all([...first, ...late]);
    expect(runningAtLateStarts).toEqual(Array.from({ length: 10 }, () => 1));
  });

  it("reports each answer to the controller: 429, 5xx, other, none", async () => {
    const { controller, outcomes } = fixedController(1);
    const limiter = createLimiter(controller, systemClock);
    for (const status of [201, 429, 503, 409]) await limiter.run(async () => answer(status));
    await expect(limiter.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(outcomes).toEqual(["ok", "rate_limited", "server_error", "ok", "no_answer"]);
    // the slot was freed
    expect((await limiter.run(async () => answer(200))).status).toBe(200);
  });

  it("on a 429 holds every request, queued ones too, until its Retry-After has passed", async () => {
    const { controller } = fixedController(1);
    const limiter = createLimiter(controller, systemClock);
    const limited: HttpResponse = { status: 429, body: "", header: (n) => (n === "retry-after" ? "1" : undefined) };
    const t0 = performance.now();
    const started: number[] = [];
    const task = (response: HttpResponse) => async (): Promise<HttpResponse> => {
      started.push(performance.now() - t0);
      return response;
    };
    // the second and third wait for the slot while the first is answered 429
    await Promise.all([limiter.run(task(limited)), limiter.run(task(answer(200))), limiter.run(task(answer(200)))]);
    expect(started[0]).toBeLessThan(100);
    expect(started[1]).toBeGreaterThanOrEqual(990);
    expect(started[2]).toBeGreaterThanOrEqual(990);
  });

  it("spaces request starts by the controller's pace", async () => {
    const { controller } = fixedController(8, 20);
    const limiter = createLimiter(controller, systemClock);
    const started: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 10 }, () =>
        limiter.run(async () => {
          started.push(performance.now() - t0);
          return answer(200);
        }),
      ),
    );
    // ten starts 20 ms apart (a 20 ms catch-up allowance lets the first two go at once): ≥ 160 ms
    expect(Math.max(...started)).toBeGreaterThanOrEqual(150);
    expect(Math.max(...started)).toBeLessThan(1000);
  });

  it("gives up waiting for a slot when the request is aborted", async () => {
    const { controller } = fixedController(1);
    const limiter = createLimiter(controller, systemClock);
    const blocker = limiter.run(async () => {
      await wait(50);
      return answer(200);
    });
    const abort = new AbortController();
    const queued = limiter.run(async () => answer(200), abort.signal);
    abort.abort();
    await expect(queued).rejects.toMatchObject({ kind: "aborted" });
    await blocker;
    expect(limiter.active()).toBe(0);
  });
});
