import type { AppError } from "../errors.js";
import type { Result } from "../result.js";
import type { SourceUser } from "../users.js";

export type RemovalReason = "soft_deleted" | "hard_deleted";

export type DirectoryChange =
  | { readonly kind: "upsert"; readonly user: SourceUser }
  | { readonly kind: "removed"; readonly id: string; readonly reason: RemovalReason };

export interface ReadChangesInput {
  /** the delta link stored after the last complete read; null = full read */
  readonly watermark: string | null;
  /** Graph property names the mapping needs (`$select`) */
  readonly select: readonly string[];
  /**
   * Receives the changes page by page. The source awaits it before reading on, so a batch is
   * "handed over" when this resolves; the caller persists the returned watermark only after that.
   * `read.full`: the batch belongs to a full read (no watermark, or the stored one expired and the
   * source started over: batches before it were of the expired read).
   */
  readonly onBatch: (changes: readonly DirectoryChange[], read: { readonly full: boolean }) => Promise<void>;
  readonly signal?: AbortSignal;
}

export interface ReadChangesOutput {
  /** the new delta link to store once every batch is durably handed over */
  readonly watermark: string;
  /** true when this was a full read (no watermark, or the stored one had expired) */
  readonly full: boolean;
}

export type UserLookup =
  | { readonly by: "id"; readonly value: string }
  | { readonly by: "userPrincipalName"; readonly value: string }
  | { readonly by: "mail"; readonly value: string };

export interface ScopeSnapshot {
  /** users assigned directly or through a DIRECT member of an assigned group */
  readonly userIds: ReadonlySet<string>;
  readonly assignedGroupIds: readonly string[];
  readonly assignedUserIds: readonly string[];
}

/** A group as `why` names it. */
export interface GroupRef {
  readonly id: string;
  readonly displayName: string | null;
}

/**
 * How one user reaches the ABM app's assignments (the `assigned` scope): directly, through groups
 * it is a DIRECT member of (counted), or only through nested groups (not counted: neither Entra
 * provisioning nor ABM follows nested groups).
 */
export interface AssignmentPath {
  readonly direct: boolean;
  readonly groups: readonly GroupRef[];
  readonly nestedGroups: readonly GroupRef[];
}

/** A user in Entra's recycle bin (soft-deleted, restorable for 30 days). */
export interface DeletedUser {
  readonly id: string;
  readonly userPrincipalName: string | null;
  readonly deletedAt: string | null;
}

/** Entra ID, read through Microsoft Graph. */
export interface DirectorySource {
  readChanges(input: ReadChangesInput): Promise<Result<ReadChangesOutput, AppError>>;
  /** who is in scope when the scope is `assigned` (app role assignments, direct group members) */
  readAssignedScope(signal?: AbortSignal): Promise<Result<ScopeSnapshot, AppError>>;
  /** one user, for checks and on-demand provisioning; null when there is none */
  lookupUser(lookup: UserLookup, select: readonly string[]): Promise<Result<SourceUser | null, AppError>>;
  /** `why`: through which assignment one user is in the `assigned` scope (or why not) */
  explainAssignment(userId: string): Promise<Result<AssignmentPath, AppError>>;
  /** `why`: a soft-deleted user by object id or mail; null when the recycle bin has none */
  findDeletedUser(query: string): Promise<Result<DeletedUser | null, AppError>>;
  /** for `group:<id>` roles: is this user a member (direct or transitive) of that group? */
  isMemberOfGroup(userId: string, groupId: string): Promise<Result<boolean, AppError>>;
}
