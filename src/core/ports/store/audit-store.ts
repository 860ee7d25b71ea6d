import type { JsonValue, StoredPlatform, StoreResult } from "./common.js";

/** One line of `audit_log`: who did what from which platform, and how it ended. */
export interface AuditRecord {
  readonly id: string;
  readonly connectionId: string;
  readonly actorId: string;
  readonly platform: StoredPlatform;
  /** command or action, e.g. `sync`, `scope.confirm`, `approval.approve` */
  readonly command: string;
  readonly target: string | null;
  /** e.g. `succeeded`, `failed`, `refused`, `requested` */
  readonly outcome: string;
  readonly detail: JsonValue;
  readonly at: Date;
}

export interface AuditStore {
  /** appends; `db.conflict` when the id exists */
  record(entry: AuditRecord): StoreResult<void>;
  /** newest first; `before` pages backwards */
  list(
    connectionId: string,
    options?: { readonly limit?: number; readonly before?: Date },
  ): StoreResult<readonly AuditRecord[]>;
}
