import type { AppError } from "../errors.js";
import type { HeldUser, RunCounts } from "../ports/provisioning-engine.js";
import type { Result } from "../result.js";
import type { Reply } from "./reply.js";

/**
 * The narrow ports the chat core needs. The composition root adapts the database repositories,
 * Microsoft Graph and the chat SDKs to them; the core never knows which store or platform is behind.
 */
export type ChatPlatform = "slack" | "teams" | "cli";

/** Who typed the command or clicked the button. */
export interface ChatActor {
  readonly platform: ChatPlatform;
  /** Slack user id (`U…`/`W…`), Teams user id, or `cli:<os user>` */
  readonly id: string;
  readonly displayName?: string;
  /** as the platform reports it; compared case-insensitively */
  readonly email?: string;
  /** Entra object id (Teams `aadObjectId`, or looked up by the adapter) */
  readonly entraObjectId?: string;
  /** the lookup of who this is failed (Slack profile or Graph unreachable): the same person may hide behind another id */
  readonly identityUnknown?: true;
}

/** Where a command was typed (and where replies, echoes and alert routes go). */
export interface ConversationRef {
  readonly platform: ChatPlatform;
  /** Slack channel id, Teams conversation id, `cli` */
  readonly channelId: string;
  readonly threadId?: string;
}

/** A posted message that can be edited later (Slack channel + ts, Teams conversation + activity id). */
export interface MessageRef {
  readonly platform: ChatPlatform;
  readonly channelId: string;
  readonly messageId: string;
}

export type AuditOutcome = "succeeded" | "failed" | "refused" | "requested" | "cancelled" | "counted";

export interface AuditEntry {
  /** actor id as the platform knows it */
  readonly actor: string;
  readonly platform: ChatPlatform;
  /** command or action, e.g. `sync`, `scope.confirm`, `approval.approve` */
  readonly command: string;
  /** what it acted on (a user, an approval id, a scope) or null */
  readonly target: string | null;
  readonly outcome: AuditOutcome;
  readonly detail: string;
}

export interface AuditSink {
  record(entry: AuditEntry): Promise<Result<void, AppError>>;
}

/** Graph group membership (transitive or direct is the implementation's choice). */
export interface GroupMembership {
  isMember(entraObjectId: string, groupId: string): Promise<Result<boolean, AppError>>;
}

export type ApprovalStatus = "pending" | "approved" | "rejected" | "expired";

export interface ApprovalDecision {
  readonly actorId: string;
  readonly actorName: string;
  readonly platform: ChatPlatform;
  readonly decision: "approve" | "reject";
  readonly at: Date;
}

/** What happened when the decision was applied by the engine (shown on the edited message). */
export interface ApprovalResult {
  readonly status: "applied" | "already_decided" | "failed";
  readonly counts: RunCounts | null;
  readonly message: string;
  readonly at: Date;
}

export interface ApprovalRecord {
  readonly id: string;
  readonly status: ApprovalStatus;
  readonly requiredApprovals: number;
  readonly decisions: readonly ApprovalDecision[];
  readonly requestedAt: Date;
  readonly expiresAt: Date;
  readonly batch: {
    readonly count: number;
    readonly users: readonly HeldUser[];
    readonly reason: string;
    readonly runId: string | null;
    readonly threshold: number;
  };
  readonly result: ApprovalResult | null;
  readonly messages: readonly MessageRef[];
}

export interface DecisionInput {
  readonly approvalId: string;
  readonly decision: ApprovalDecision;
  /** the book marks a pending approval `expired` when now >= expiresAt and records nothing */
  readonly now: Date;
}

export interface DecisionRecordResult {
  /** true only for the one caller whose decision moved the approval out of `pending` */
  readonly transitioned: boolean;
  readonly status: ApprovalStatus;
  readonly decisions: readonly ApprovalDecision[];
  /** this actor had already decided: nothing recorded */
  readonly duplicate: boolean;
}

/**
 * Stored approvals. `recordDecision` is a compare-and-set: atomically, when the approval is
 * pending, not expired and the actor has not decided yet, append the decision; a reject moves it
 * to `rejected`, the approve that reaches `requiredApprovals` moves it to `approved` (transitioned).
 * Any other case changes nothing (except marking an overdue pending approval `expired`).
 */
export interface ApprovalBook {
  load(approvalId: string): Promise<Result<ApprovalRecord | null, AppError>>;
  /** insert when absent; returns the stored record either way */
  open(record: ApprovalRecord): Promise<Result<ApprovalRecord, AppError>>;
  recordDecision(input: DecisionInput): Promise<Result<DecisionRecordResult, AppError>>;
  recordResult(approvalId: string, result: ApprovalResult): Promise<Result<void, AppError>>;
  addMessageRef(approvalId: string, ref: MessageRef): Promise<Result<void, AppError>>;
}

export interface AlertRouteBook {
  /** returns false when the route already existed */
  add(conversation: ConversationRef, addedBy: string): Promise<Result<boolean, AppError>>;
  /** returns false when there was no route here */
  remove(conversation: ConversationRef): Promise<Result<boolean, AppError>>;
}

/** Edits a posted message in place (Slack `chat.update`, Teams `updateActivity`), e.g. through the outbox. */
export interface MessageEditor {
  edit(ref: MessageRef, reply: Reply): Promise<Result<void, AppError>>;
}
