import { z } from "zod";
import { messagePlatformSchema, platformSchema } from "../platform.js";
import type { HeldUser, RunCounts } from "../ports/provisioning-engine.js";

/**
 * The one approval model. A held batch of removals waits for people; both engines hold their
 * batch through the same store, chat and the CLI decide on it through the same use case, and
 * every message about it is rendered from this record.
 *
 * Status machine (compare-and-set at every arrow):
 *   pending → approved → applied        the quorum approved, the engine executed it once
 *   pending → rejected                  one reject closes it; nothing is removed
 *   pending → expired                   nobody decided before `expiresAt`; the batch stays held
 *   pending → withdrawn                 the engine no longer holds it (a newer batch, the quarantine ended)
 *   approved → applied → approved       only when executing failed, so that approving again retries
 */
export type ApprovalStatus = "pending" | "approved" | "applied" | "rejected" | "expired" | "withdrawn";

const deactivationCause = z.enum(["disabled", "soft_deleted", "hard_deleted", "out_of_scope", "missing_from_source"]);

/** One removal the native engine held, with what it needs to execute it later. */
export const heldRemovalSchema = z.object({
  entraId: z.string(),
  scimId: z.string(),
  userName: z.string().nullable(),
  action: z.enum(["deactivate", "delete"]),
  reason: z.string(),
  dedupKey: z.string(),
  hash: z.string(),
  cause: deactivationCause.optional(),
});
export type HeldRemoval = Readonly<z.infer<typeof heldRemovalSchema>>;

/** What is held: the native engine's own removals, or Entra's job quarantined for TooManyDeletes. */
export const approvalPayloadSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("native_batch"),
    runId: z.string(),
    cycle: z.enum(["initial", "incremental", "restart", "single_user"]),
    scope: z.enum(["all", "assigned"]),
    threshold: z.number().int(),
    removals: z.array(heldRemovalSchema),
  }),
  z.object({
    kind: z.literal("entra_quarantine"),
    jobId: z.string(),
    /** when Entra's quarantine episode began (the id of the episode) */
    episodeBegan: z.string(),
    runId: z.string().nullable(),
    threshold: z.number().int(),
    /** from Entra's error text; Graph does not list the users */
    count: z.number().int(),
    reason: z.string(),
  }),
]);
export type ApprovalPayload = z.infer<typeof approvalPayloadSchema>;

export const voteSchema = z.object({
  /** the person, not the account: `entra:<object id>` when known, else the platform id */
  actorId: z.string().min(1),
  actorName: z.string(),
  platform: platformSchema,
  decision: z.enum(["approve", "reject"]),
  at: z.coerce.date(),
});
export type Vote = Readonly<z.infer<typeof voteSchema>>;

const countsSchema = z.object({
  created: z.number(),
  adopted: z.number(),
  updated: z.number(),
  deactivated: z.number(),
  deleted: z.number(),
  skipped: z.number(),
  failed: z.number(),
  held: z.number(),
});

/** What executing the decision did; shown on every message of the approval. */
export const approvalResultSchema = z.object({
  status: z.enum(["applied", "failed"]),
  counts: countsSchema.nullable(),
  message: z.string(),
  at: z.coerce.date(),
});
export interface ApprovalResult {
  readonly status: "applied" | "failed";
  readonly counts: RunCounts | null;
  readonly message: string;
  readonly at: Date;
}

/** A posted chat message that shows the approval (Slack channel + ts, Teams conversation + activity id). */
export const approvalMessageSchema = z.object({
  platform: messagePlatformSchema,
  channelId: z.string().min(1),
  messageId: z.string().min(1),
});
export type ApprovalMessage = Readonly<z.infer<typeof approvalMessageSchema>>;

export interface Approval {
  readonly id: string;
  readonly status: ApprovalStatus;
  readonly payload: ApprovalPayload;
  readonly requiredApprovals: number;
  readonly votes: readonly Vote[];
  readonly requestedBy: string;
  readonly requestedAt: Date;
  readonly expiresAt: Date;
  readonly decidedAt: Date | null;
  readonly result: ApprovalResult | null;
  readonly messages: readonly ApprovalMessage[];
}

/** What an engine asks to hold. */
export interface HoldRequest {
  readonly id: string;
  readonly payload: ApprovalPayload;
  /** `system` for an engine */
  readonly requestedBy: string;
  readonly requestedAt: Date;
  readonly expiresAt: Date;
}

/** `expired` also for a pending approval whose time is up (the store may not have marked it yet). */
export function effectiveStatus(approval: Approval, now: Date): ApprovalStatus {
  return approval.status === "pending" && now.getTime() >= approval.expiresAt.getTime() ? "expired" : approval.status;
}

/** How many users the batch removes. */
export function heldCount(payload: ApprovalPayload): number {
  return payload.kind === "native_batch" ? payload.removals.length : payload.count;
}

/** The users the batch names (Entra's quarantine does not name them through Graph). */
export function heldUsers(payload: ApprovalPayload): readonly HeldUser[] {
  if (payload.kind === "entra_quarantine") return [];
  return payload.removals.map((r) => ({
    entraId: r.entraId,
    userName: r.userName,
    action: r.action,
    reason: r.reason,
  }));
}

/** Why the batch is held, in words. */
export function heldReason(payload: ApprovalPayload): string {
  if (payload.kind === "entra_quarantine") return payload.reason;
  return `The ${payload.cycle} cycle (run ${payload.runId}, scope "${payload.scope}") would remove ${payload.removals.length} users from ABM, more than the deletion threshold of ${payload.threshold}.`;
}

/** The approval as `--json` shows it (and what the admin socket and tests read). */
export function approvalData(approval: Approval, now: Date): Readonly<Record<string, unknown>> {
  const { payload } = approval;
  return {
    id: approval.id,
    kind: payload.kind,
    status: effectiveStatus(approval, now),
    count: heldCount(payload),
    users: heldUsers(payload),
    reason: heldReason(payload),
    runId: payload.runId,
    threshold: payload.threshold,
    requiredApprovals: approval.requiredApprovals,
    votes: approval.votes.map((v) => ({ actor: v.actorName || v.actorId, decision: v.decision, at: v.at })),
    requestedAt: approval.requestedAt,
    expiresAt: approval.expiresAt,
    decidedAt: approval.decidedAt,
    result: approval.result,
  };
}
