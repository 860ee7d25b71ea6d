import type { AppError } from "../errors.js";
import type { Result } from "../result.js";
import type { ScimUser, TargetChanges, TargetUser } from "../users.js";

/**
 * Apple Business Manager's SCIM 2.0 `/Users` endpoint (or any RFC 7644 server).
 * Error codes: `scim.conflict`, `scim.invalid`, `scim.auth`, `scim.not_found`,
 * `scim.rate_limited` (retryAfterMs), `scim.transient`, `scim.protocol`.
 */
export interface ScimTarget {
  create(user: TargetUser): Promise<Result<ScimUser, AppError>>;
  get(id: string): Promise<Result<ScimUser | null, AppError>>;
  findByExternalId(externalId: string): Promise<Result<ScimUser | null, AppError>>;
  findByUserName(userName: string): Promise<Result<ScimUser | null, AppError>>;
  /** every user, page by page (startIndex/count, following totalResults) */
  list(options?: {
    readonly pageSize?: number;
    readonly signal?: AbortSignal;
  }): AsyncIterable<Result<readonly ScimUser[], AppError>>;
  /** replace only the given fields (null removes); returns the user as the server now has it */
  patch(id: string, changes: TargetChanges): Promise<Result<ScimUser | null, AppError>>;
  deactivate(id: string): Promise<Result<void, AppError>>;
  delete(id: string): Promise<Result<void, AppError>>;
}

/**
 * How hard the native engine's SCIM client presses ABM right now (in `status` and `/metrics`): the
 * adaptive concurrency limit under its ceiling (SYNC_CONCURRENCY), the pace it keeps since ABM
 * answered 429, and the 429 and 5xx answers counted since the process started.
 */
export interface ScimClientStatus {
  readonly concurrencyLimit: number;
  readonly concurrencyMax: number;
  /** requests per second the client paces itself to; null: not paced (no 429 seen) */
  readonly pacedPerSecond: number | null;
  readonly rateLimited: number;
  readonly serverErrors: number;
}
