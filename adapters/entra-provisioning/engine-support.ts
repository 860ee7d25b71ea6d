import type { Clock } from "#core/clock.js";
import { type AppError, toAppError } from "#core/errors.js";
import type { IdGenerator } from "#core/ids.js";
import {
  type Actor,
  type CycleKind,
  type FailureEntry,
  type RunSummary,
  type Trigger,
  ZERO_COUNTS,
} from "#core/ports/provisioning-engine.js";
import { err, ok, type Result } from "#core/result.js";
import { currentFailures } from "./failure-log.js";
import type { Job } from "./schemas.js";
import type { SyncApi } from "./sync-api.js";

/** The most provisioning-log entries one read takes. */
export const LOG_LIMIT = 5_000;

/** Every engine method answers a Result: whatever throws underneath becomes `engine.failed`. */
export async function guard<T>(fn: () => Promise<Result<T, AppError>>): Promise<Result<T, AppError>> {
  try {
    return await fn();
  } catch (error) {
    return err(toAppError(error, "engine.failed"));
  }
}

/** The run an engine command just started: Entra reports its counts only when the cycle ends. */
export function startedRun(
  deps: { readonly ids: IdGenerator; readonly clock: Clock },
  kind: CycleKind,
  trigger: Trigger,
  actor: Actor,
): RunSummary {
  return {
    id: deps.ids.next("run"),
    kind,
    trigger,
    actor: actor.id,
    startedAt: deps.clock.now(),
    finishedAt: null,
    outcome: "running",
    counts: ZERO_COUNTS,
    error: null,
  };
}

/** Restart the one job (`criteria: {}`, or `ForceDeletes` to release held deletions); answers the job. */
export async function restartJob(api: SyncApi, resetScope: "ForceDeletes" | null): Promise<Result<Job, AppError>> {
  const job = await api.findJob();
  if (!job.ok) return job;
  const done = await api.restart(job.value.id, resetScope);
  return done.ok ? job : done;
}

export type FailuresOf = (jobId: string) => Promise<Result<FailureEntry[], AppError>>;

/** Users whose latest provisioning-log entry within the window failed. */
export function createFailureReader(deps: {
  readonly api: SyncApi;
  readonly clock: Clock;
  readonly windowMs: number;
}): FailuresOf {
  return async (jobId) => {
    const from = new Date(deps.clock.now().getTime() - deps.windowMs);
    const logs = await deps.api.logs(jobId, [deps.api.clause("activityDateTime", "ge", from)], LOG_LIMIT);
    return logs.ok ? ok(currentFailures(logs.value)) : logs;
  };
}
