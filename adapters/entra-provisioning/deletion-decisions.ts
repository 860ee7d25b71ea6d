import type { Approval } from "#core/approvals/approval.js";
import type { ApprovalStore } from "#core/approvals/approval-store.js";
import { claimApproved, heldByOtherEngine } from "#core/approvals/claim.js";
import type { Clock } from "#core/clock.js";
import type { EngineEventSink } from "#core/engine/context.js";
import type { AppError } from "#core/errors.js";
import type { ApprovalExecution } from "#core/ports/provisioning-engine.js";
import { err, ok, type Result } from "#core/result.js";
import { approvalIdFor, heldEpisode, quarantinePayload } from "./deletion-approval.js";
import type { Job, Secret } from "./schemas.js";
import { notificationSettings } from "./secrets.js";
import type { SyncApi } from "./sync-api.js";

/**
 * Held deletions of the entra engine, in the one approval store: a TooManyDeletes quarantine
 * episode of the job is one approval (its id derives from the episode); approving it is `restart`
 * with `ForceDeletes` for that episode only; rejecting it sends nothing (the job stays quarantined).
 */
export function createDeletionDecisions(deps: {
  readonly api: SyncApi;
  readonly approvals: ApprovalStore;
  readonly requiredApprovals: number;
  readonly clock: Clock;
  readonly events: EngineEventSink;
  readonly approvalTtlMs: number;
}) {
  const { api, approvals, clock } = deps;

  /**
   * Brings the store in line with the job: the current episode is held (once; the stored approval
   * is returned whatever its status), and a pending approval of an episode that ended is withdrawn.
   */
  async function observe(job: Job, secrets: readonly Secret[]): Promise<Approval | null> {
    const episode = heldEpisode(job);
    const current = episode === null ? null : approvalIdFor(episode);
    const pending = await approvals.pending();
    if (pending !== null && pending.payload.kind === "entra_quarantine" && pending.id !== current) {
      if (await approvals.transition(pending.id, "pending", "withdrawn", clock.now()))
        deps.events.emit({ type: "approval_changed", approval: { ...pending, status: "withdrawn" } });
    }
    if (episode === null || current === null) return null;
    const now = clock.now();
    const threshold = notificationSettings(secrets).deleteThresholdValue;
    const held = await approvals.hold(
      {
        id: current,
        payload: quarantinePayload(job, episode, threshold),
        requestedBy: "system",
        requestedAt: now,
        expiresAt: new Date(now.getTime() + deps.approvalTtlMs),
      },
      deps.requiredApprovals,
    );
    return held.approval;
  }

  async function apply(approval: Approval): Promise<Result<ApprovalExecution, AppError>> {
    if (approval.payload.kind !== "entra_quarantine") return err(heldByOtherEngine(approval, "entra"));
    const claim = await claimApproved(approvals, approval, () => clock.now());
    if (!claim.ok) return claim;
    const job = await api.findJob();
    if (!job.ok) {
      await claim.value.undo();
      return job;
    }
    const episode = heldEpisode(job.value);
    if (episode === null || approvalIdFor(episode) !== approval.id) {
      await approvals.transition(approval.id, "applied", "withdrawn", clock.now());
      return ok({
        status: "failed",
        counts: null,
        message:
          "Entra no longer holds these deletions (the quarantine ended or a new one began); nothing was released.",
      });
    }
    const done = await api.restart(job.value.id, "ForceDeletes");
    if (!done.ok) {
      await claim.value.undo();
      return done;
    }
    return ok({
      status: "applied",
      counts: null,
      message: `Entra released the held deletions (restart with ForceDeletes on job ${job.value.id}); its next cycle applies them.`,
    });
  }

  function reject(approval: Approval): Result<string, AppError> {
    if (approval.payload.kind !== "entra_quarantine") return err(heldByOtherEngine(approval, "entra"));
    return ok(
      "Entra keeps the job quarantined and deletes nobody. To fix it, put the users back in scope (re-assign them to the Apple Business Manager app or restore them in Entra) or raise the deletion threshold, then run `restart`.",
    );
  }

  return { observe, apply, reject };
}

export type DeletionDecisions = ReturnType<typeof createDeletionDecisions>;
