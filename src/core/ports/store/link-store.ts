import type { LinkState } from "../../sync/operations.js";
import type { FailureEntry } from "../provisioning-engine.js";
import type { StoreResult } from "./common.js";

/** A failure to keep in escrow until the user is retried or changes. */
export interface FailureInput {
  readonly entraId: string;
  readonly userName: string | null;
  /** the action that failed (`create`, `update`, …) */
  readonly action: string;
  readonly code: string;
  readonly reason: string;
  /** what an admin can do about it */
  readonly fix: string;
  readonly at: Date;
  /** null: not retried on a timer (invalid data comes back when the user changes in Entra) */
  readonly nextRetryAt: Date | null;
}

/**
 * `user_links` for one connection: the link between an Entra user and its ABM user, and the
 * failure escrow. A failure may exist without a link (a create that failed); such rows are not
 * links and are never returned by `list`/`getMany`/`count`.
 */
export interface LinkStore {
  /**
   * Inserts or replaces links by Entra id, in multi-row batches (100k rows are fine). Failure
   * fields are left as they are (call `clearFailures` for users that succeeded).
   * `db.conflict` when a SCIM id is already linked to another Entra user of the connection.
   */
  upsertMany(connectionId: string, links: readonly LinkState[], now: Date): StoreResult<number>;
  list(connectionId: string): StoreResult<readonly LinkState[]>;
  getMany(connectionId: string, entraIds: readonly string[]): StoreResult<readonly LinkState[]>;
  /** links whose userName equals one of `userNames`, case-insensitively (incremental cycles' holder check) */
  getManyByUserName(connectionId: string, userNames: readonly string[]): StoreResult<readonly LinkState[]>;
  getByScimId(connectionId: string, scimId: string): StoreResult<LinkState | null>;
  count(connectionId: string): StoreResult<number>;
  /** deletes the rows of these users (link and failure); returns how many */
  remove(connectionId: string, entraIds: readonly string[]): StoreResult<number>;
  /** deletes every row of the connection (links and failures); returns how many */
  clear(connectionId: string): StoreResult<number>;

  /** records (or replaces) each user's latest failure and counts the attempt */
  recordFailures(connectionId: string, failures: readonly FailureInput[]): StoreResult<void>;
  /** forgets the failures of these users (rows without a link are deleted) */
  clearFailures(connectionId: string, entraIds: readonly string[]): StoreResult<number>;
  clearAllFailures(connectionId: string): StoreResult<number>;
  /** failing users, most recent failure first */
  failures(connectionId: string, options?: { readonly limit?: number }): StoreResult<readonly FailureEntry[]>;
  failureCount(connectionId: string): StoreResult<number>;
  /** Entra ids whose failure is due for a retry (`next_retry_at <= now`), oldest due first */
  dueRetries(connectionId: string, now: Date, limit: number): StoreResult<readonly string[]>;
}
