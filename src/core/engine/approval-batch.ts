import type { Approval } from "../approvals/approval.js";
import { claimApproved, heldByOtherEngine } from "../approvals/claim.js";
import type { AppError } from "../errors.js";
import type { Actor, ApprovalExecution } from "../ports/provisioning-engine.js";
import { err, ok, type Result } from "../result.js";
import { applyOps } from "./apply.js";
import type { EngineContext } from "./context.js";
import { removalOps } from "./held-ops.js";
import { withCycleLease } from "./lease.js";
import { withRun } from "./run.js";

const LEASE_WAIT_MS = 60_000;

/**
 * Runs a granted batch once (approved → applied, compare-and-set) in its own run (trigger
 * `approval`), under the cycle lease: waited for (bounded), so an approval does not fail just
 * because a cycle runs. When the run fails the approval goes back to `approved`: approving again
 * retries.
 */
export async function applyApproval(
  ctx: EngineContext,
  approval: Approval,
  actor: Actor,
): Promise<Result<ApprovalExecution, AppError>> {
  const { payload } = approval;
  if (payload.kind !== "native_batch") return err(heldByOtherEngine(approval, "native"));
  const lease = { waitMs: LEASE_WAIT_MS, busyMessage: "A cycle is still running; try again in a minute." };
  return withCycleLease(ctx, lease, async () => {
    const claim = await claimApproved(ctx.approvals, approval, () => ctx.clock.now());
    if (!claim.ok) return claim;
    const running = withRun(ctx, { kind: "incremental", trigger: "approval", actor: actor.id }, async (run) => {
      const links = await ctx.store.linksFor(payload.removals.map((r) => r.entraId));
      const result = await applyOps(removalOps(payload.removals), {
        runId: run.id,
        store: ctx.store,
        target: ctx.target,
        concurrency: ctx.concurrency,
        clock: ctx.clock,
        ids: ctx.ids,
        links: new Map(links.map((l) => [l.entraId, l] as const)),
        attempts: new Map(),
      });
      return ok({ counts: result.counts, attempted: result.attempted, value: undefined });
    });
    let ended: Awaited<typeof running>;
    try {
      ended = await running;
    } catch (thrown) {
      // even the run row could not be written: nothing ran, so approving again must be possible
      await claim.value.undo();
      throw thrown;
    }
    if (!ended.ok) {
      await claim.value.undo();
      return err(ended.error);
    }
    const c = ended.run.counts;
    return ok({
      status: "applied",
      counts: c,
      message: `${c.deactivated} deactivated, ${c.deleted} deleted, ${c.failed} failed (run ${ended.run.id}).`,
    });
  });
}

/** The batch is not removed: its users stay active in ABM until a restart (the connection is flagged). */
export async function rejectApproval(ctx: EngineContext, approval: Approval): Promise<Result<string, AppError>> {
  const { payload } = approval;
  if (payload.kind !== "native_batch") return err(heldByOtherEngine(approval, "native"));
  const settings = await ctx.store.settings();
  const rejected = new Set([...settings.rejectedRemovals, ...payload.removals.map((r) => r.entraId)]);
  await ctx.store.updateSettings({ rejectedRemovals: [...rejected] });
  return ok(
    `${payload.removals.length} users stay active in ABM. The connection stays flagged until an operator restarts the sync or fixes the scope.`,
  );
}
