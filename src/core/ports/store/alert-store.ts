import type { MessageRefRecord, StoreResult } from "./common.js";

/** One incident (one parent message per route), keyed by a stable incident key per connection. */
export interface AlertRecord {
  readonly connectionId: string;
  /** `failure:<code>`, `cycle:<code>`, `quarantine`, `approval:<id>`, `token:expiring`, … */
  readonly key: string;
  readonly kind: string;
  readonly status: "open" | "resolved";
  readonly summary: string;
  /** how many cycles/events saw it */
  readonly occurrences: number;
  /** affected users (failures) or days left (token expiry) */
  readonly count: number;
  /** token expiry: the last milestone announced */
  readonly milestone: number | null;
  readonly firstSeenAt: Date;
  readonly lastSeenAt: Date;
  readonly resolvedAt: Date | null;
  /** parent messages posted for this incident, one per route */
  readonly messageRefs: readonly MessageRefRecord[];
}

export type AlertWrite = Omit<AlertRecord, "messageRefs">;

export interface AlertStore {
  get(connectionId: string, key: string): StoreResult<AlertRecord | null>;
  /** open incidents, most recently seen first */
  listOpen(connectionId: string): StoreResult<readonly AlertRecord[]>;
  /** inserts or replaces the incident's fields by key (message references are kept) */
  save(alert: AlertWrite, now: Date): StoreResult<AlertRecord>;
  /** appends a parent message reference (ignored when present); `db.not_found` for an unknown key */
  addMessageRef(connectionId: string, key: string, ref: MessageRefRecord, now: Date): StoreResult<void>;
}
