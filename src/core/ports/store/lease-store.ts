import type { StoreResult } from "./common.js";

export interface LeaseRecord {
  readonly connectionId: string;
  readonly name: string;
  readonly holder: string;
  readonly expiresAt: Date;
}

export interface LeaseRequest {
  /** a connection id, or `*` for process-wide leases such as scheduler leadership */
  readonly connectionId: string;
  /** e.g. `cycle`, `scheduler` */
  readonly name: string;
  /** unique per process (and per attempt when needed) */
  readonly holder: string;
  readonly ttlMs: number;
  readonly now: Date;
}

/**
 * Time-bounded locks, each a single compare-and-set statement: at most one holder at a time
 * across every process sharing the database. A holder that stops renewing loses the lease when it expires.
 */
export interface LeaseStore {
  /** takes the lease when free, expired, or already held by `holder` (then extends it); false when another holds it */
  acquire(request: LeaseRequest): StoreResult<boolean>;
  /** extends the lease only while `holder` still holds it unexpired; false when it was lost */
  renew(request: LeaseRequest): StoreResult<boolean>;
  /** gives the lease up when `holder` holds it; false otherwise */
  release(input: {
    readonly connectionId: string;
    readonly name: string;
    readonly holder: string;
  }): StoreResult<boolean>;
  get(connectionId: string, name: string): StoreResult<LeaseRecord | null>;
}
