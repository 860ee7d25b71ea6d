import type { Clock } from "#core/clock.js";
import type { EngineEventSink } from "#core/engine/context.js";
import type { AppError } from "#core/errors.js";
import type { Actor, DecisionOutcome, PendingDeletions } from "#core/ports/provisioning-engine.js";
import { ok, type Result } from "#core/result.js";
import {
  approvalIdFor,
  describeHeld,
  type EntraEngineStore,
  heldEpisode,
  loadEpisode,
  saveEpisode,
} from "./deletion-approval.js";
import type { Job, Secret } from "./schemas.js";
import { notificationSettings } from "./secrets.js";
import type { SyncApi } from "./sync-api.js";

/**
 * Held deletions of the entra engine: a TooManyDeletes quarantine episode becomes one stored
 * approval; approving it is `restart` with `ForceDeletes` for that episode only, rejecting it
 * sends nothing (the job stays quarantined).
 */
export function createDeletionDecisions(deps: {
  readonly api: SyncApi;
  readonly store: EntraEngineStore;
  readonly clock: Clock;
  readonly events: EngineEventSink;
  readonly approvalTtlMs: number;
}) {
  const { api, store } = deps;

  /** the current episode as PendingDeletions (stored on first sight), or null when none is pending */
  async function pending(job: Job, secrets: readonly Secret[]): Promise<PendingDeletions | null> {
    const episode = heldEpisode(job);
    if (episode === null) return null;
    const approvalId = approvalIdFor(episode);
    let stored = await loadEpisode(store, approvalId);
    if (stored === null) {
      stored = { ...episode, requestedAt: deps.clock.now().toISOString(), status: "pending" };
      await saveEpisode(store, approvalId, stored);
    }
    if (stored.status !== "pending") return null;
    const threshold = notificationSettings(secrets).deleteThresholdValue;
    return describeHeld(job, approvalId, stored, threshold, deps.approvalTtlMs);
  }

  /** true when the job's current episode was rejected here */
  async function rejected(job: Job): Promise<boolean> {
    const episode = heldEpisode(job);
    const stored = episode === null ? null : await loadEpisode(store, approvalIdFor(episode));
    return stored?.status === "rejected";
  }

  async function approve(approvalId: string, actor: Actor): Promise<Result<DecisionOutcome, AppError>> {
    const stored = await loadEpisode(store, approvalId);
    if (stored === null)
      return ok<DecisionOutcome>({ result: "not_found", counts: null, message: `No approval ${approvalId}.` });
    if (stored.status !== "pending") {
      return ok<DecisionOutcome>({
        result: "already_decided",
        counts: null,
        message: `Approval ${approvalId} was already ${stored.status}.`,
      });
    }
    const job = await api.findJob();
    if (!job.ok) return job;
    const episode = heldEpisode(job.value);
    if (episode === null || approvalIdFor(episode) !== approvalId) {
      return ok<DecisionOutcome>({
        result: "already_decided",
        counts: null,
        message:
          "Entra no longer holds these deletions (the quarantine ended or a new one began); nothing was released.",
      });
    }
    await saveEpisode(store, approvalId, { ...stored, status: "approved" });
    const done = await api.restart(job.value.id, "ForceDeletes");
    if (!done.ok) {
      await saveEpisode(store, approvalId, stored);
      return done;
    }
    deps.events.emit({ type: "deletions_decided", approvalId, decision: "approved", actor: actor.id });
    return ok<DecisionOutcome>({
      result: "applied",
      counts: null,
      message: `Entra released the held deletions (restart with ForceDeletes on job ${job.value.id}); its next cycle applies them.`,
    });
  }

  async function reject(approvalId: string, actor: Actor): Promise<Result<DecisionOutcome, AppError>> {
    const stored = await loadEpisode(store, approvalId);
    if (stored === null)
      return ok<DecisionOutcome>({ result: "not_found", counts: null, message: `No approval ${approvalId}.` });
    if (stored.status === "approved") {
      return ok<DecisionOutcome>({
        result: "already_decided",
        counts: null,
        message: `Approval ${approvalId} was already approved.`,
      });
    }
    await saveEpisode(store, approvalId, { ...stored, status: "rejected" });
    deps.events.emit({ type: "deletions_decided", approvalId, decision: "rejected", actor: actor.id });
    return ok<DecisionOutcome>({
      result: "applied",
      counts: null,
      message:
        "Rejected: Entra keeps the job quarantined and deletes nobody. To fix it, put the users back in scope (re-assign them to the Apple Business Manager app or restore them in Entra) or raise the deletion threshold, then run `restart`.",
    });
  }

  return { pending, rejected, approve, reject };
}

export type DeletionDecisions = ReturnType<typeof createDeletionDecisions>;
