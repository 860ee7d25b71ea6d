import type { Approval } from "../approvals/approval.js";
import type { AppError } from "../errors.js";
import type { Result } from "../result.js";
import type { ScimTokenState } from "../scim-token.js";
import type { ScimUser, SourceUser, TargetUser } from "../users.js";
import type { AssignmentPath, DeletedUser } from "./directory-source.js";
import type { ScimClientStatus } from "./scim-target.js";

/**
 * What every chat command, the CLI and the scheduler talk to. Two implementations:
 * `native` (this service is the SCIM client) and `entra` (drives Entra's own provisioning job).
 * Chat adapters, alerts, approvals and the database never know which one runs.
 */
export type EngineKind = "native" | "entra";
export type SyncScope = "all" | "assigned";
export type CycleKind = "initial" | "incremental" | "restart" | "single_user";
export type Trigger = "schedule" | "cli" | "chat" | "startup" | "approval" | "api";
export type { Platform } from "../platform.js";

import type { Platform } from "../platform.js";

export interface Actor {
  /** Slack user id, Entra object id, `cli:<os user>` or `system` */
  readonly id: string;
  readonly platform: Platform;
  readonly displayName?: string;
  readonly email?: string;
}

export type ConnectionState =
  | "idle"
  | "running"
  | "paused"
  | "awaiting_approval"
  | "deletions_rejected"
  | "quarantined"
  | "not_configured";

export interface RunCounts {
  readonly created: number;
  readonly adopted: number;
  readonly updated: number;
  readonly deactivated: number;
  readonly deleted: number;
  readonly skipped: number;
  readonly failed: number;
  readonly held: number;
}

/** Counts of a run that did nothing (yet). */
export const ZERO_COUNTS: RunCounts = Object.freeze({
  created: 0,
  adopted: 0,
  updated: 0,
  deactivated: 0,
  deleted: 0,
  skipped: 0,
  failed: 0,
  held: 0,
});

export type RunOutcome = "running" | "succeeded" | "partial" | "failed" | "held";

export interface RunSummary {
  readonly id: string;
  readonly kind: CycleKind;
  readonly trigger: Trigger;
  readonly actor: string;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly outcome: RunOutcome;
  readonly counts: RunCounts;
  readonly error: { readonly code: string; readonly message: string } | null;
}

export interface Quarantine {
  readonly reason: string;
  readonly since: Date;
  readonly nextAttemptAt: Date | null;
}

export interface HeldUser {
  readonly entraId: string;
  readonly userName: string | null;
  readonly action: "deactivate" | "delete";
  readonly reason: string;
}

export interface EngineStatus {
  readonly engine: EngineKind;
  readonly state: ConnectionState;
  readonly scope: SyncScope;
  readonly paused: boolean;
  readonly quarantine: Quarantine | null;
  readonly lastRun: RunSummary | null;
  readonly lastSuccessfulRun: RunSummary | null;
  readonly nextRunAt: Date | null;
  readonly linkedUsers: number | null;
  readonly failingUsers: number;
  /** the held batch waiting for people (the approval store's pending approval) */
  readonly pendingApproval: Approval | null;
  readonly tokenExpiresAt: Date | null;
  /** engine-specific facts in words (Entra job id, steady state, progress…) */
  readonly notes: readonly string[];
  /** native engine: how hard its SCIM client presses ABM (absent for entra: Entra is the client) */
  readonly scimClient?: ScimClientStatus;
  /**
   * native engine: the SCIM token in use and the next one (ABM_SCIM_TOKEN_NEXT), with their expiry;
   * `tokenExpiresAt` is then the expiry of the token in use
   */
  readonly scimToken?: ScimTokenState;
}

export interface ValidationProblem {
  readonly code: string;
  readonly field: string;
  readonly message: string;
  /** what an admin can do about it */
  readonly fix: string;
}

export interface FailureEntry {
  readonly entraId: string;
  readonly userName: string | null;
  readonly action: string;
  readonly code: string;
  readonly reason: string;
  readonly fix: string;
  readonly attempts: number;
  readonly lastAttemptAt: Date;
  readonly nextRetryAt: Date | null;
  /**
   * the first failure of this streak, when it is known (native engine: a user ABM never accepted,
   * e.g. a create refused since then; absent for a linked user whose update fails)
   */
  readonly failingSince?: Date;
}

export interface UserCheck {
  readonly query: string;
  readonly source: SourceUser | null;
  readonly inScope: boolean;
  readonly scopeReason: string;
  readonly problems: readonly ValidationProblem[];
  /** what would be sent to ABM */
  readonly payload: TargetUser | null;
  readonly target: ScimUser | null;
  readonly lastResult: {
    readonly at: Date;
    readonly action: string;
    readonly status: string;
    readonly detail: string;
  } | null;
  /** engine-specific lines (provisioning log entries for `entra`) */
  readonly notes: readonly string[];
}

/** A fact one engine can state, or why it cannot (e.g. the entra engine does not read ABM itself). */
export type Known<T> = { readonly known: true; readonly value: T } | { readonly known: false; readonly why: string };

/** The `assigned`/`all` scope decision for one user, with the assignment path when assigned. */
export interface ScopeFacts {
  readonly mode: SyncScope;
  readonly inScope: boolean;
  /** null for the `all` scope */
  readonly path: AssignmentPath | null;
}

/** The user link the sync keeps (Entra object id ↔ ABM SCIM id). */
export interface LinkFacts {
  readonly scimId: string | null;
  readonly userName: string | null;
  readonly active: boolean;
}

/** The latest thing the sync did (or tried) for one user. */
export interface OperationFacts {
  readonly at: Date;
  readonly action: string;
  readonly status: string;
  readonly code: string | null;
  readonly message: string | null;
  /** what to do about `code` (error-codes.ts, or the validation problem's fix) */
  readonly fix: string | null;
  /** failed attempts in a row, when failing */
  readonly attempts: number | null;
  readonly nextRetryAt: Date | null;
}

/**
 * Everything `why <user>` states, gathered by the engine with the same steps `check` uses; the
 * chat core turns it into verdicts. The steps after a missing Entra user hold nothing.
 */
export interface UserFacts {
  readonly query: string;
  readonly engine: EngineKind;
  readonly source: SourceUser | null;
  /** when no active user matched: the same user in Entra's recycle bin, if any */
  readonly deleted: DeletedUser | null;
  readonly scope: ScopeFacts | null;
  readonly problems: readonly ValidationProblem[];
  readonly payload: TargetUser | null;
  readonly link: Known<LinkFacts | null>;
  readonly lastOperation: Known<OperationFacts | null>;
  readonly target: Known<ScimUser | null>;
}

/** An ABM user with no Entra counterpart in scope, and why. */
export interface Orphan {
  readonly scimId: string;
  readonly userName: string;
  readonly externalId: string | null;
  readonly active: boolean;
  /** `linked`: linked to an Entra user now gone or out of scope; `foreign`: an externalId no Entra user in scope has; `unlinked`: no externalId, no link, no userName match (made by hand or another source) */
  readonly kind: "linked" | "foreign" | "unlinked";
  /** the Entra user of its link, for `linked` */
  readonly entraId: string | null;
  readonly reason: string;
}

export interface OrphanReport {
  readonly scope: SyncScope;
  readonly abmUsers: number;
  readonly entraInScope: number;
  readonly orphans: readonly Orphan[];
  readonly elapsedMs: number;
}

export interface ProvisionResult {
  readonly entraId: string | null;
  readonly action: string;
  readonly status: "succeeded" | "skipped" | "failed";
  readonly detail: string;
  readonly steps: readonly { readonly name: string; readonly status: string; readonly detail: string }[];
}

export interface ScopePreview {
  readonly from: SyncScope;
  readonly to: SyncScope;
  readonly entering: number;
  readonly leaving: number;
  readonly examplesEntering: readonly string[];
  readonly examplesLeaving: readonly string[];
  /** true when the leaving users exceed the deletion threshold (the change would be held) */
  readonly wouldHold: boolean;
}

export interface CycleRequest {
  readonly kind: "incremental" | "full";
  readonly trigger: Trigger;
  readonly actor: Actor;
  readonly dryRun?: boolean;
}

/** What executing a granted approval did. */
export interface ApprovalExecution {
  readonly status: "applied" | "failed";
  readonly counts: RunCounts | null;
  readonly message: string;
}

export interface ProvisioningEngine {
  readonly kind: EngineKind;
  status(): Promise<Result<EngineStatus, AppError>>;
  runCycle(request: CycleRequest): Promise<Result<RunSummary, AppError>>;
  restart(actor: Actor, trigger: Trigger): Promise<Result<RunSummary, AppError>>;
  pause(actor: Actor): Promise<Result<void, AppError>>;
  resume(actor: Actor): Promise<Result<void, AppError>>;
  previewScope(scope: SyncScope): Promise<Result<ScopePreview, AppError>>;
  setScope(scope: SyncScope, actor: Actor): Promise<Result<RunSummary, AppError>>;
  checkUser(query: string): Promise<Result<UserCheck, AppError>>;
  /** `why <user>`: each step from Entra to ABM, as far as this engine can see it (read-only) */
  explainUser(query: string): Promise<Result<UserFacts, AppError>>;
  /** `orphans`: ABM users with no Entra counterpart in scope (read-only; `engine.unsupported` where ABM is not read) */
  orphans(): Promise<Result<OrphanReport, AppError>>;
  provisionUser(query: string, actor: Actor): Promise<Result<ProvisionResult, AppError>>;
  /**
   * Brings the approval store up to date with what the engine holds, before anyone lists approvals
   * (entra: a TooManyDeletes quarantine of the job is held, one that ended is withdrawn; native: its
   * cycles hold batches as they plan them, nothing to do).
   */
  refreshApprovals(): Promise<Result<void, AppError>>;
  /**
   * Executes an approval the quorum granted (status `approved`): claims it approved → applied by
   * compare-and-set, so it runs once across racing callers and replicas; when executing fails the
   * claim is undone (applied → approved) so approving again retries.
   */
  applyApproval(approval: Approval, actor: Actor): Promise<Result<ApprovalExecution, AppError>>;
  /** an approver rejected the batch (status `rejected`): keep its users; returns what that means, in words */
  rejectApproval(approval: Approval, actor: Actor): Promise<Result<string, AppError>>;
  failures(): Promise<Result<readonly FailureEntry[], AppError>>;
  history(limit: number): Promise<Result<readonly RunSummary[], AppError>>;
}

/** The answer to `check <user>` when Entra has no such user (the same for both engines). */
export function unknownUserCheck(query: string): UserCheck {
  return {
    query,
    source: null,
    inScope: false,
    scopeReason: "No such user in Entra (by object id, userPrincipalName or mail).",
    problems: [],
    payload: null,
    target: null,
    lastResult: null,
    notes: [],
  };
}
