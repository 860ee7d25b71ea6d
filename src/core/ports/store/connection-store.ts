import type { ConnectionState, EngineKind, SyncScope } from "../provisioning-engine.js";
import type { StoreResult } from "./common.js";

/** The sync's durable switches for one connection (one Entra tenant + one ABM organization). */
export type StoredConnectionState = ConnectionState;

export interface QuarantineRecord {
  readonly reason: string;
  readonly since: Date;
  readonly nextAttemptAt: Date | null;
  /** consecutive quarantines (drives the back-off) */
  readonly seriesCount: number;
}

export interface ConnectionRecord {
  readonly id: string;
  readonly name: string;
  readonly engine: EngineKind;
  readonly scope: SyncScope;
  readonly paused: boolean;
  readonly state: StoredConnectionState;
  readonly quarantine: QuarantineRecord | null;
  /** the next cycle must read everything and re-match ABM */
  readonly needsFullCycle: boolean;
  /** an approver rejected the held removals */
  readonly deletionsRejected: boolean;
  /** Entra ids kept active after a rejection, until a restart */
  readonly rejectedRemovals: readonly string[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewConnection {
  readonly id: string;
  readonly name: string;
  readonly engine: EngineKind;
  readonly scope: SyncScope;
  readonly now: Date;
}

/** Fields to change; absent fields stay. `quarantine: null` lifts a quarantine. */
export interface ConnectionPatch {
  readonly name?: string;
  readonly engine?: EngineKind;
  readonly scope?: SyncScope;
  readonly paused?: boolean;
  readonly state?: StoredConnectionState;
  readonly quarantine?: QuarantineRecord | null;
  readonly needsFullCycle?: boolean;
  readonly deletionsRejected?: boolean;
  readonly rejectedRemovals?: readonly string[];
}

export interface ConnectionStore {
  /** inserts the connection when absent (never overwrites); returns the stored row either way */
  ensure(connection: NewConnection): StoreResult<ConnectionRecord>;
  get(id: string): StoreResult<ConnectionRecord | null>;
  list(): StoreResult<readonly ConnectionRecord[]>;
  /** `db.not_found` when the id is unknown */
  update(id: string, patch: ConnectionPatch, now: Date): StoreResult<ConnectionRecord>;
}
