import { describe, expect, it } from "vitest";
import type { EngineEvent } from "#core/engine/context.js";
import { type RunContext, withRun } from "#core/engine/run.js";
import { AppError } from "#core/errors.js";
import { silentLogger } from "#core/logger.js";
import { type RunCounts, ZERO_COUNTS } from "#core/ports/provisioning-engine.js";
import { err, ok } from "#core/result.js";

const T0 = new Date("2026-06-01T12:00:00Z");

function fakeRuns(options: { failFinish?: boolean } = {}) {
  const rows = new Map<string, { outcome: string; counts: RunCounts; error: { code: string } | null }>();
  const events: EngineEvent[] = [];
  let n = 0;
  const ctx: RunContext = {
    clock: { now: () => T0, sleep: async () => {} },
    ids: { next: (prefix) => `${prefix}_${++n}` },
    logger: silentLogger,
    events: { emit: (event) => events.push(event) },
    store: {
      startRun: async (run) => {
        rows.set(run.id, { outcome: "running", counts: ZERO_COUNTS, error: null });
      },
      finishRun: async (id, end) => {
        if (options.failFinish === true) throw new AppError("db.unavailable", "the database is gone");
        rows.set(id, { outcome: end.outcome, counts: end.counts, error: end.error });
        return true;
      },
    },
  };
  return { ctx, rows, events };
}

const counts = (over: Partial<RunCounts>): RunCounts => ({ ...ZERO_COUNTS, ...over });
const request = { kind: "incremental", trigger: "cli", actor: "cli:ops" } as const;

describe("withRun: one way to start, finish and fail a run", () => {
  it.each([
    [counts({ created: 2 }), 2, "succeeded"],
    [counts({ created: 1, failed: 1 }), 2, "partial"],
    [counts({ failed: 2, skipped: 1 }), 2, "failed"],
    [counts({ created: 1, failed: 1, held: 30 }), 2, "held"],
  ] as const)("counts %o over %i attempted → %s", async (c, attempted, outcome) => {
    const { ctx, rows, events } = fakeRuns();
    const ended = await withRun(ctx, request, async () => ok({ counts: c, attempted, value: "done" }));
    if (!ended.ok) throw ended.error;
    expect(ended.value).toBe("done");
    expect(ended.run).toMatchObject({ id: "run_1", outcome, counts: c, error: null, startedAt: T0 });
    expect(rows.get("run_1")).toMatchObject({ outcome, counts: c });
    // a finished run is announced by its caller (onFinished), not here
    expect(events).toEqual([]);
  });

  it("a failure the work returns ends the run failed and announces it", async () => {
    const { ctx, rows, events } = fakeRuns();
    const ended = await withRun(ctx, request, async () => err(new AppError("graph.transient", "Graph is down")));
    expect(ended).toMatchObject({ ok: false, thrown: false, run: { outcome: "failed" } });
    expect(rows.get("run_1")).toMatchObject({ outcome: "failed", error: { code: "graph.transient" } });
    expect(events).toMatchObject([{ type: "run_finished", run: { id: "run_1", outcome: "failed" }, failures: [] }]);
  });

  it("a throw ends the run failed with the request's code; a failing finish still announces it", async () => {
    const { ctx, rows, events } = fakeRuns({ failFinish: true });
    const ended = await withRun(ctx, { ...request, failureCode: "engine.cycle_failed" }, async () => {
      throw new Error("boom");
    });
    expect(ended).toMatchObject({ ok: false, thrown: true, error: { code: "engine.cycle_failed" } });
    expect(rows.get("run_1")?.outcome).toBe("running");
    expect(events).toMatchObject([{ type: "run_finished", run: { outcome: "failed" } }]);
  });

  it("a dry run writes no run row, and a throw in it is not announced", async () => {
    const { ctx, rows, events } = fakeRuns();
    const fine = await withRun(ctx, { ...request, dryRun: true }, async () =>
      ok({ counts: counts({ updated: 1 }), attempted: 0, value: null }),
    );
    expect(fine).toMatchObject({ ok: true, run: { outcome: "succeeded" } });
    const broken = await withRun(ctx, { ...request, dryRun: true }, async () => {
      throw new Error("boom");
    });
    expect(broken).toMatchObject({ ok: false, thrown: true });
    expect(rows.size).toBe(0);
    expect(events).toEqual([]);
  });

  it("onFinished runs after the run is finished; when it throws the run ends failed", async () => {
    const { ctx, rows, events } = fakeRuns();
    const seen: string[] = [];
    const ended = await withRun(
      ctx,
      request,
      async () => ok({ counts: ZERO_COUNTS, attempted: 0, value: 1 }),
      async (run) => {
        seen.push(`${run.id}:${rows.get(run.id)?.outcome}`);
        throw new AppError("db.unavailable", "could not read the escrow");
      },
    );
    expect(seen).toEqual(["run_1:succeeded"]);
    expect(ended).toMatchObject({ ok: false, thrown: true });
    expect(rows.get("run_1")?.outcome).toBe("failed");
    expect(events).toMatchObject([{ type: "run_finished", run: { outcome: "failed" } }]);
  });
});
