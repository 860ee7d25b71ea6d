import type { Approval } from "../approvals/approval.js";
import type { RunCounts } from "../ports/provisioning-engine.js";
import type { LinkState } from "../sync/operations.js";
import { type ApplyOptions, type ApplyResult, applyOps } from "./apply.js";
import type { EngineContext } from "./context.js";
import type { ConnectionSettings } from "./engine-store.js";
import type { CyclePlan } from "./plan-cycle.js";
import type { Snapshot } from "./read-changes.js";
import type { OpenRun, RunWork } from "./run.js";

/** What a cycle reports beyond its run. */
export interface CycleResult {
  /** this cycle's removals held for approval */
  readonly held: number;
  /** the approval this cycle held (a fresh batch, or the union replacing the open one) */
  readonly approval: Approval | null;
}

/**
 * Step 3 of an incremental cycle: holds the batch and closes the approval it replaces, journals and
 * applies the operations, then (only now: every change is applied, escrowed or held) moves the
 * watermark, and enters or leaves quarantine. Crash-safe: nothing before the watermark is lost when
 * the process dies; the next cycle re-reads the same changes and the journal says what was pending.
 */
export async function applyAndRecord(
  ctx: EngineContext,
  run: OpenRun,
  snapshot: Snapshot,
  plan: CyclePlan,
): Promise<RunWork<CycleResult>> {
  const approval = await holdBatch(ctx, run, plan);
  const result = await applyOps(
    plan.apply,
    applyOptions(
      ctx,
      run,
      new Map(snapshot.links.map((l) => [l.entraId, l] as const)),
      new Map(snapshot.failuresBefore.map((f) => [f.entraId, f.attempts] as const)),
    ),
  );
  const counts: RunCounts = { ...result.counts, held: plan.held.length };

  // the watermark moves only now; escrowed users that left Entra or the scope with nothing left to
  // do in ABM leave the failure list with it
  await ctx.store.completeCycle({ departed: plan.departed, watermark: snapshot.watermark, fullCycleDone: false });

  await quarantineAfter(ctx, run, snapshot.settings, result, counts);
  return { counts, attempted: result.attempted, value: { held: plan.held.length, approval } };
}

/** How a cycle's operations are applied: `links` before the cycle, `attempts`: the escrow as it began. */
export function applyOptions(
  ctx: EngineContext,
  run: OpenRun,
  links: ReadonlyMap<string, LinkState>,
  attempts: ReadonlyMap<string, number>,
): ApplyOptions {
  return {
    escrow: new Set(attempts.keys()),
    runId: run.id,
    store: ctx.store,
    target: ctx.target,
    concurrency: ctx.concurrency,
    clock: ctx.clock,
    ids: ctx.ids,
    links,
    attempts,
    ...(ctx.onProgress === undefined ? {} : { onProgress: ctx.onProgress }),
    ...(ctx.stopping === undefined ? {} : { stopping: ctx.stopping }),
  };
}

/**
 * Holds the plan's batch (one open approval at a time) and closes the one it replaces: expired
 * unanswered, or withdrawn (a newer batch holds its users). The closed approval's posted messages
 * lose their buttons so nobody approves a batch that is no longer held.
 */
export async function holdBatch(
  ctx: EngineContext,
  run: OpenRun,
  plan: Pick<CyclePlan, "hold" | "open">,
): Promise<Approval | null> {
  let held: Approval | null = null;
  if (plan.hold !== null) {
    const stored = await ctx.approvals.hold(
      {
        id: ctx.ids.next("apr"),
        payload: { ...plan.hold, runId: run.id },
        requestedBy: run.actor,
        requestedAt: run.startedAt,
        expiresAt: new Date(run.startedAt.getTime() + ctx.approvalTtlMs),
      },
      ctx.requiredApprovals,
    );
    held = stored.approval;
  }
  const { open } = plan;
  if (open !== null && open.fate !== "keep") {
    const closedAs = open.fate === "expire" ? "expired" : "withdrawn";
    if (await ctx.approvals.transition(open.approval.id, "pending", closedAs, run.startedAt))
      ctx.events.emit({ type: "approval_changed", approval: { ...open.approval, status: closedAs } });
  }
  return held;
}

/** Quarantine on an authentication failure, or most operations failing; otherwise it ends. */
export async function quarantineAfter(
  ctx: EngineContext,
  run: OpenRun,
  settings: ConnectionSettings,
  result: Pick<ApplyResult, "attempted" | "authFailure">,
  counts: RunCounts,
): Promise<void> {
  const mostlyFailing = result.attempted >= 10 && counts.failed / result.attempted > 0.5;
  if (result.authFailure !== null) await ctx.quarantine(result.authFailure.message);
  else if (mostlyFailing)
    await ctx.quarantine(`${counts.failed} of ${result.attempted} operations failed in run ${run.id}`);
  else if (settings.quarantine !== null) await ctx.releaseQuarantine();
}
