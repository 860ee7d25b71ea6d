import { z } from "zod";
import type { RunCounts } from "../provisioning-engine.js";
import type { JsonValue, MessageRefRecord, StoreResult } from "./common.js";
import { storedPlatformSchema } from "./common.js";

export type StoredApprovalStatus = "pending" | "approved" | "rejected" | "expired" | "applied";

/** One vote, as stored in the `decisions` JSON array. */
export const approvalVoteSchema = z.object({
  actorId: z.string().min(1),
  actorName: z.string(),
  platform: storedPlatformSchema,
  decision: z.enum(["approve", "reject"]),
  at: z.coerce.date(),
});
export type ApprovalVote = Readonly<z.infer<typeof approvalVoteSchema>>;

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

/** What executing (or trying to execute) the decision did; shown on the edited message. */
export const approvalResultSchema = z.object({
  status: z.enum(["applied", "already_decided", "failed"]),
  counts: countsSchema.nullable(),
  message: z.string(),
  at: z.coerce.date(),
});
export interface ApprovalResultRecord {
  readonly status: "applied" | "already_decided" | "failed";
  readonly counts: RunCounts | null;
  readonly message: string;
  readonly at: Date;
}

export interface ApprovalRecord<P = JsonValue> {
  readonly id: string;
  readonly connectionId: string;
  /** e.g. `deletions` */
  readonly kind: string;
  /** validated with the repository's payload schema on every read and write */
  readonly payload: P;
  readonly status: StoredApprovalStatus;
  readonly requiredApprovals: number;
  readonly decisions: readonly ApprovalVote[];
  readonly requestedBy: string;
  readonly requestedAt: Date;
  readonly expiresAt: Date;
  readonly decidedAt: Date | null;
  readonly appliedAt: Date | null;
  readonly result: ApprovalResultRecord | null;
  readonly messageRefs: readonly MessageRefRecord[];
}

export interface NewApproval<P = JsonValue> {
  readonly id: string;
  readonly connectionId: string;
  readonly kind: string;
  readonly payload: P;
  readonly requiredApprovals: number;
  readonly requestedBy: string;
  readonly requestedAt: Date;
  readonly expiresAt: Date;
}

/**
 * - `recorded`: the vote was added (`transitioned` tells whether it moved the approval out of pending)
 * - `duplicate`: this actor had already voted; nothing changed
 * - `expired`: the approval is past `expiresAt`; nothing recorded, it is (now) `expired`
 * - `closed`: the approval is no longer pending (decided, applied or expired earlier)
 */
export type DecisionOutcome = "recorded" | "duplicate" | "expired" | "closed";

export interface DecisionResult<P = JsonValue> {
  readonly outcome: DecisionOutcome;
  /** true only for the one caller whose vote moved the approval from pending to approved/rejected */
  readonly transitioned: boolean;
  readonly approval: ApprovalRecord<P>;
}

export interface ApprovalStore<P = JsonValue> {
  /** inserts when the id is absent; returns the stored approval either way */
  open(approval: NewApproval<P>): StoreResult<ApprovalRecord<P>>;
  get(approvalId: string): StoreResult<ApprovalRecord<P> | null>;
  /** newest first */
  list(
    connectionId: string,
    options?: { readonly status?: StoredApprovalStatus; readonly limit?: number },
  ): StoreResult<readonly ApprovalRecord<P>[]>;
  /**
   * Compare-and-set vote, one atomic statement: while pending, unexpired and not yet voted by this
   * actor, append the vote; a reject moves it to `rejected`, the approve that reaches
   * `requiredApprovals` moves it to `approved`. `db.not_found` when the id is unknown.
   */
  recordDecision(input: {
    readonly approvalId: string;
    readonly vote: ApprovalVote;
    readonly now: Date;
  }): StoreResult<DecisionResult<P>>;
  /** compare-and-set approved → applied: true for exactly one caller, so a batch executes once */
  markApplied(approvalId: string, now: Date): StoreResult<boolean>;
  /** compare-and-set pending → expired when `now >= expiresAt`; true when this call expired it */
  expire(approvalId: string, now: Date): StoreResult<boolean>;
  /** generic compare-and-set of the status; true when this call changed it */
  transition(input: {
    readonly approvalId: string;
    readonly from: StoredApprovalStatus;
    readonly to: StoredApprovalStatus;
    readonly now: Date;
  }): StoreResult<boolean>;
  setResult(approvalId: string, result: ApprovalResultRecord, now: Date): StoreResult<void>;
  /** appends a posted message reference (ignored when already present) */
  addMessageRef(approvalId: string, ref: MessageRefRecord, now: Date): StoreResult<void>;
}
