import { type AppError, type ErrorCode, toAppError } from "../errors.js";
import type { Logger } from "../logger.js";
import {
  type CycleKind,
  type RunCounts,
  type RunOutcome,
  type RunSummary,
  type Trigger,
  ZERO_COUNTS,
} from "../ports/provisioning-engine.js";
import type { Result } from "../result.js";
import type { EngineContext } from "./context.js";
import type { EngineStore } from "./engine-store.js";

/** The run a cycle, an approved batch or a single-user provisioning records. */
export interface RunRequest {
  readonly kind: CycleKind;
  readonly trigger: Trigger;
  readonly actor: string;
  /** a dry run: no run row is written, nothing is announced when it finishes */
  readonly dryRun?: boolean;
  /** the code of an unexpected (thrown) failure that is not an AppError already */
  readonly failureCode?: ErrorCode;
}

/** A run that has started: what the work inside it needs to know about it. */
export interface OpenRun {
  readonly id: string;
  readonly kind: CycleKind;
  readonly trigger: Trigger;
  readonly actor: string;
  readonly startedAt: Date;
  readonly log: Logger;
}

/** What the work of a run did: the counts decide its outcome. */
export interface RunWork<T> {
  readonly counts: RunCounts;
  /** operations sent to ABM (not skipped): all of them failing is a failed run */
  readonly attempted: number;
  readonly value: T;
}

/**
 * How a run ended. `ok: false`: the run is recorded `failed` (and announced with run_finished);
 * `thrown` tells an unexpected failure (a store write, a bug) from one the work returned.
 */
export type RunEnd<T> =
  | { readonly ok: true; readonly run: RunSummary; readonly value: T }
  | { readonly ok: false; readonly run: RunSummary; readonly error: AppError; readonly thrown: boolean };

/** what a run needs: the run rows of the store, time, ids, a log and the event sink */
export type RunContext = Pick<EngineContext, "clock" | "ids" | "logger" | "events"> & {
  readonly store: Pick<EngineStore, "startRun" | "finishRun">;
};

/** The one rule: held removals → held; failures → failed when nothing else got through, else partial. */
function runOutcome(counts: RunCounts, attempted: number): RunOutcome {
  if (counts.held > 0) return "held";
  if (counts.failed === 0) return "succeeded";
  return counts.failed === attempted ? "failed" : "partial";
}

/**
 * Starts the run row, runs the work, and finishes the run with the outcome its counts give. A
 * failure the work returns, or anything it throws (a store write failing mid-run, possibly after
 * ABM writes), ends the run `failed` now, not `running` until the next cycle relabels it, and is
 * announced with run_finished so the alert policy opens "Sync cycle failed". `onFinished` runs
 * after a successful finish, inside the same guard.
 */
export async function withRun<T>(
  ctx: RunContext,
  request: RunRequest,
  work: (run: OpenRun) => Promise<Result<RunWork<T>, AppError>>,
  onFinished?: (run: RunSummary, value: T) => Promise<void>,
): Promise<RunEnd<T>> {
  const id = ctx.ids.next("run");
  const startedAt = ctx.clock.now();
  const { kind, trigger, actor } = request;
  const open: OpenRun = { id, kind, trigger, actor, startedAt, log: ctx.logger.child({ runId: id, kind }) };
  const record = request.dryRun !== true;
  if (record) await ctx.store.startRun({ id, kind, trigger, actor, startedAt });
  try {
    const done = await work(open);
    if (!done.ok) {
      open.log.error({ code: done.error.code, message: done.error.message }, "run failed");
      const run = await finishRun(ctx, open, record, { outcome: "failed", counts: ZERO_COUNTS, error: done.error });
      ctx.events.emit({ type: "run_finished", run, failures: [] });
      return { ok: false, run, error: done.error, thrown: false };
    }
    const { counts, attempted, value } = done.value;
    const outcome = runOutcome(counts, attempted);
    const run = await finishRun(ctx, open, record, { outcome, counts, error: null });
    await onFinished?.(run, value);
    return { ok: true, run, value };
  } catch (thrown) {
    const error = toAppError(thrown, request.failureCode ?? "engine.failed");
    if (!record) {
      open.log.error({ code: error.code, message: error.message }, "dry run failed");
      return {
        ok: false,
        run: summarize(ctx, open, { outcome: "failed", counts: ZERO_COUNTS, error }),
        error,
        thrown: true,
      };
    }
    return { ok: false, run: await endRunFailed(ctx, open, error), error, thrown: true };
  }
}

interface RunEnding {
  readonly outcome: RunOutcome;
  readonly counts: RunCounts;
  readonly error: AppError | null;
}

function summarize(ctx: Pick<RunContext, "clock">, run: OpenRun, end: RunEnding): RunSummary {
  return {
    id: run.id,
    kind: run.kind,
    trigger: run.trigger,
    actor: run.actor,
    startedAt: run.startedAt,
    finishedAt: ctx.clock.now(),
    outcome: end.outcome,
    counts: end.counts,
    error: end.error === null ? null : { code: end.error.code, message: end.error.message },
  };
}

async function finishRun(ctx: RunContext, run: OpenRun, record: boolean, end: RunEnding): Promise<RunSummary> {
  const summary = summarize(ctx, run, end);
  if (record)
    await ctx.store.finishRun(run.id, {
      finishedAt: summary.finishedAt ?? ctx.clock.now(),
      outcome: summary.outcome,
      counts: summary.counts,
      error: summary.error,
    });
  return summary;
}

/**
 * Ends a run that a store failure (or anything unexpected) interrupted after it started: logged,
 * marked `failed` (best effort: when even that write fails, the next cycle marks it interrupted),
 * and announced with run_finished.
 */
async function endRunFailed(ctx: RunContext, open: OpenRun, error: AppError): Promise<RunSummary> {
  open.log.error({ code: error.code, message: error.message }, "run failed unexpectedly; the run is marked failed");
  const run = summarize(ctx, open, { outcome: "failed", counts: ZERO_COUNTS, error });
  try {
    await ctx.store.finishRun(run.id, {
      finishedAt: run.finishedAt ?? ctx.clock.now(),
      outcome: "failed",
      counts: ZERO_COUNTS,
      error: run.error,
    });
  } catch (again) {
    const second = toAppError(again, "engine.cycle_failed");
    open.log.error(
      { code: second.code, message: second.message },
      "could not mark the run failed; the next cycle marks it interrupted",
    );
  }
  ctx.events.emit({ type: "run_finished", run, failures: [] });
  return run;
}
