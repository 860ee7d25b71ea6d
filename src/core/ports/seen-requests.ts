import type { AppError } from "../errors.js";
import type { Result } from "../result.js";

type StoreResult<T> = Promise<Result<T, AppError>>;

/**
 * Signed chat requests already accepted (Slack's `x-slack-signature`), so that a replay is refused
 * by every replica and after a restart. An entry matters only until `expiresAt` (when its
 * timestamp could no longer pass the freshness check); expired entries may be pruned at any time.
 */
export interface SeenRequestStore {
  /**
   * Records `key` until `expiresAt` in one statement: true when it was not seen (or had expired),
   * false when another request already recorded it.
   */
  remember(input: { readonly key: string; readonly expiresAt: Date; readonly now: Date }): StoreResult<boolean>;
  /** deletes entries that expired before `now`; resolves with how many were deleted */
  prune(now: Date): StoreResult<number>;
}
