import { type AppError, toAppError } from "../errors.js";
import type { CycleKind, RunSummary, Trigger } from "../ports/provisioning-engine.js";
import { err, ok, type Result } from "../result.js";
import type { SyncOp } from "../sync/operations.js";
import { applyAndRecord, type CycleResult } from "./apply-cycle.js";
import type { EngineContext } from "./context.js";
import { withCycleLease } from "./lease.js";
import { planCycle, plannedCounts } from "./plan-cycle.js";
import { readChanges } from "./read-changes.js";
import { type OpenRun, type RunWork, withRun } from "./run.js";

export interface CycleInput {
  readonly kind: CycleKind;
  readonly full: boolean;
  readonly trigger: Trigger;
  readonly actor: string;
  readonly dryRun: boolean;
}

export interface CycleReport {
  readonly run: RunSummary;
  readonly ops: readonly SyncOp[];
  readonly held: number;
  readonly approvalId: string | null;
}

/** One cycle under the per-connection lease: read → plan → apply and record, inside one run. */
export async function runCycleLocked(ctx: EngineContext, input: CycleInput): Promise<Result<CycleReport, AppError>> {
  return withCycleLease(ctx, {}, async () => {
    try {
      return await runCycle(ctx, input);
    } catch (error) {
      return err(toAppError(error, "engine.cycle_failed"));
    }
  });
}

async function runCycle(ctx: EngineContext, input: CycleInput): Promise<Result<CycleReport, AppError>> {
  // runs a process that died left `running` (this one holds the lease: none of them is ours)
  await ctx.store.failInterruptedRuns(ctx.clock.now(), null);
  const ended = await withRun(
    ctx,
    {
      kind: input.kind,
      trigger: input.trigger,
      actor: input.actor,
      dryRun: input.dryRun,
      failureCode: "engine.cycle_failed",
    },
    (run) => cycleSteps(ctx, input, run),
    (run, result) => announce(ctx, input, run, result),
  );
  if (ended.ok) {
    const { ops, held, approval } = ended.value;
    return ok({ run: ended.run, ops, held, approvalId: approval?.id ?? null });
  }
  // a dry run that broke answers with the error; a real one is recorded (and announced) as failed
  if (ended.thrown && input.dryRun) return err(ended.error);
  return ok({ run: ended.run, ops: [], held: 0, approvalId: null });
}

/** read changes → plan → apply and record */
async function cycleSteps(
  ctx: EngineContext,
  input: CycleInput,
  run: OpenRun,
): Promise<Result<RunWork<CycleResult>, AppError>> {
  const snapshot = await readChanges(ctx, input, run);
  if (!snapshot.ok) {
    // a failure the cycle expects (Graph or ABM unreachable, refused): the run ends `failed`
    if (snapshot.error.code === "graph.auth" || snapshot.error.code === "scim.auth")
      await ctx.quarantine(snapshot.error.message);
    return err(snapshot.error);
  }
  const plan = planCycle(snapshot.value, {
    policy: ctx.policy,
    threshold: ctx.threshold,
    cycle: input.kind,
    now: run.startedAt,
    dryRun: input.dryRun,
  });
  run.log.info({ planned: plan.ops.length, held: plan.held.length }, "planned");
  if (input.dryRun)
    return ok({
      counts: plannedCounts(plan),
      attempted: 0,
      value: { ops: plan.ops, held: plan.held.length, approval: null },
    });
  return ok(await applyAndRecord(ctx, run, snapshot.value, plan));
}

/** run_finished with the escrow as it is now, then the held batch (its alert names the run) */
async function announce(ctx: EngineContext, input: CycleInput, run: RunSummary, result: CycleResult): Promise<void> {
  if (input.dryRun) return;
  ctx.logger.child({ runId: run.id, kind: run.kind }).info({ outcome: run.outcome, ...run.counts }, "cycle finished");
  const failures = await ctx.store.failures();
  ctx.events.emit({ type: "run_finished", run, failures });
  if (result.approval !== null) ctx.events.emit({ type: "deletions_held", approval: result.approval, run });
}
