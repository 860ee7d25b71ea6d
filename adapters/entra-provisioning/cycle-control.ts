import type { Clock } from "#core/clock.js";
import { AppError } from "#core/errors.js";
import type { IdGenerator } from "#core/ids.js";
import type { Actor, CycleRequest, RunSummary, Trigger } from "#core/ports/provisioning-engine.js";
import { err, ok, type Result } from "#core/result.js";
import { heldEpisode } from "./deletion-approval.js";
import { restartJob, startedRun } from "./engine-support.js";
import { runFromExecution } from "./job-status.js";
import type { Job } from "./schemas.js";
import type { SyncApi } from "./sync-api.js";

/** The executions Graph keeps for the job (last, last successful, last with exports), newest first. */
export function historyOf(job: Job, limit: number): RunSummary[] {
  const s = job.status;
  const runs = new Map<string, RunSummary>();
  for (const e of [s.lastExecution, s.lastSuccessfulExecution, s.lastSuccessfulExecutionWithExports]) {
    const run = runFromExecution(e);
    if (run !== null) runs.set(run.id, run);
  }
  // Graph keeps only these executions of the job; older cycles are in Entra's provisioning logs
  return [...runs.values()].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime()).slice(0, limit);
}

/** Cycles of Entra's job: run, restart, pause, resume, history. Entra schedules the cycles itself. */
export function createCycleControl(deps: { readonly api: SyncApi; readonly ids: IdGenerator; readonly clock: Clock }) {
  const { api } = deps;

  async function runCycle(request: CycleRequest): Promise<Result<RunSummary, AppError>> {
    if (request.dryRun === true) {
      return err(
        new AppError(
          "engine.unsupported",
          "Dry runs are not available with ABM_ENGINE=entra: Entra's job plans its own cycles. Use `check <user>` to see how one user would be treated.",
        ),
      );
    }
    if (request.kind === "full") {
      const job = await restartJob(api, null);
      return job.ok ? ok(startedRun(deps, "restart", request.trigger, request.actor)) : job;
    }
    const job = await api.findJob();
    if (!job.ok) return job;
    const { code } = job.value.status;
    if (code === "Paused" || code === "NotRun" || (code === "Quarantine" && heldEpisode(job.value) === null)) {
      const done = await api.start(job.value.id);
      if (!done.ok) return done;
      return ok(startedRun(deps, "incremental", request.trigger, request.actor));
    }
    // Entra schedules incremental cycles itself (about every 40 min): report the latest one
    return ok(
      runFromExecution(job.value.status.lastExecution) ??
        startedRun(deps, "incremental", request.trigger, request.actor),
    );
  }

  async function restart(actor: Actor, trigger: Trigger): Promise<Result<RunSummary, AppError>> {
    const job = await restartJob(api, null);
    return job.ok ? ok(startedRun(deps, "restart", trigger, actor)) : job;
  }

  async function pause(): Promise<Result<void, AppError>> {
    const job = await api.findJob();
    if (!job.ok) return job;
    const done = await api.pause(job.value.id);
    return done.ok ? ok(undefined) : done;
  }

  async function resume(): Promise<Result<void, AppError>> {
    const job = await api.findJob();
    if (!job.ok) return job;
    const done = await api.start(job.value.id);
    return done.ok ? ok(undefined) : done;
  }

  async function history(limit: number): Promise<Result<RunSummary[], AppError>> {
    const job = await api.findJob();
    return job.ok ? ok(historyOf(job.value, limit)) : job;
  }

  return { runCycle, restart, pause, resume, history };
}
