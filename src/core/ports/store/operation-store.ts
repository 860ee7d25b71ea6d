import type { SyncAction } from "../../sync/operations.js";
import type { StoreResult } from "./common.js";

export type OperationStatus = "pending" | "running" | "succeeded" | "failed" | "held" | "skipped";

/** One journaled operation of a run (a row of `sync_operations`). */
export interface OperationRecord {
  readonly id: string;
  readonly connectionId: string;
  readonly runId: string;
  readonly entraId: string;
  readonly userName: string | null;
  readonly action: SyncAction;
  readonly status: OperationStatus;
  readonly reason: string;
  /** `${entraId}:${action}:${hash}`, unique per run */
  readonly dedupKey: string;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly attempts: number;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What the engine journals; the store adds the run, the connection, the attempts and the times. */
export type NewOperation = Pick<
  OperationRecord,
  "id" | "entraId" | "userName" | "action" | "status" | "reason" | "dedupKey"
>;

export interface OperationUpdate {
  readonly id: string;
  readonly status: OperationStatus;
  readonly errorCode?: string | null;
  readonly errorMessage?: string | null;
}

export interface OperationStore {
  /**
   * Journals the planned operations of a run before anything is applied (batched multi-row
   * inserts). An entry whose dedup key is already journaled for this run is ignored, so a re-plan
   * after a crash is safe. Returns how many rows were inserted.
   */
  journal(input: {
    readonly connectionId: string;
    readonly runId: string;
    readonly now: Date;
    readonly entries: readonly NewOperation[];
  }): StoreResult<number>;
  /**
   * Sets statuses in bulk (one statement per batch). `running` stamps `started_at` and counts an
   * attempt; a final status (succeeded/failed/held/skipped) stamps `finished_at`. Returns how many
   * rows of this run were updated.
   */
  update(input: {
    readonly runId: string;
    readonly now: Date;
    readonly updates: readonly OperationUpdate[];
  }): StoreResult<number>;
  listByRun(
    runId: string,
    options?: { readonly status?: OperationStatus; readonly limit?: number },
  ): StoreResult<readonly OperationRecord[]>;
  /** the newest journaled operation for a user (for `check <user>`) */
  lastForUser(connectionId: string, entraId: string): StoreResult<OperationRecord | null>;
  /** of `dedupKeys`, those that succeeded in any run of the connection at or after `since` */
  succeededKeys(connectionId: string, dedupKeys: readonly string[], since: Date): StoreResult<readonly string[]>;
}
