import { type AppError, toAppError } from "../errors.js";
import { type CycleKind, type RunSummary, type Trigger, ZERO_COUNTS } from "../ports/provisioning-engine.js";
import type { EngineContext } from "./context.js";

/**
 * Ends a run that a store failure (or anything unexpected) interrupted after it started: logged,
 * marked `failed` (best effort: when even that write fails, the next cycle marks it interrupted),
 * and announced with run_finished so the alert policy opens "Sync cycle failed".
 */
export async function endRunFailed(
  ctx: Pick<EngineContext, "store" | "clock" | "logger" | "events">,
  started: {
    readonly id: string;
    readonly kind: CycleKind;
    readonly trigger: Trigger;
    readonly actor: string;
    readonly startedAt: Date;
  },
  error: AppError,
): Promise<RunSummary> {
  const log = ctx.logger.child({ runId: started.id });
  log.error({ code: error.code, message: error.message }, "run failed unexpectedly; the run is marked failed");
  const run: RunSummary = {
    id: started.id,
    kind: started.kind,
    trigger: started.trigger,
    actor: started.actor,
    startedAt: started.startedAt,
    finishedAt: ctx.clock.now(),
    outcome: "failed",
    counts: ZERO_COUNTS,
    error: { code: error.code, message: error.message },
  };
  try {
    await ctx.store.finishRun(run.id, {
      finishedAt: run.finishedAt ?? ctx.clock.now(),
      outcome: "failed",
      counts: ZERO_COUNTS,
      error: run.error,
    });
  } catch (again) {
    const second = toAppError(again, "engine.cycle_failed");
    log.error(
      { code: second.code, message: second.message },
      "could not mark the run failed; the next cycle marks it interrupted",
    );
  }
  ctx.events.emit({ type: "run_finished", run, failures: [] });
  return run;
}
