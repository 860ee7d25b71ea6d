import type { CycleKind, RunCounts, RunOutcome, RunSummary, Trigger } from "../provisioning-engine.js";
import type { StoreResult } from "./common.js";

export interface RunRecord extends RunSummary {
  readonly connectionId: string;
}

export interface NewRun {
  readonly id: string;
  readonly connectionId: string;
  readonly kind: CycleKind;
  readonly trigger: Trigger;
  readonly actor: string;
  readonly startedAt: Date;
}

export interface RunEnd {
  readonly finishedAt: Date;
  readonly outcome: Exclude<RunOutcome, "running">;
  readonly counts: RunCounts;
  readonly error: { readonly code: string; readonly message: string } | null;
}

export interface RunStore {
  /** records a run as `running`; `db.conflict` when the id exists */
  start(run: NewRun): StoreResult<RunRecord>;
  /** compare-and-set running → outcome; false when the run was not running (already finished) */
  finish(runId: string, end: RunEnd): StoreResult<boolean>;
  get(runId: string): StoreResult<RunRecord | null>;
  /** newest first */
  list(connectionId: string, limit: number): StoreResult<readonly RunRecord[]>;
  /** newest run that ended `succeeded` or `partial` */
  lastSuccessful(connectionId: string): StoreResult<RunRecord | null>;
  /**
   * Marks runs left `running` by a process that died as `failed` with `error`; `exceptRunId` is the
   * run the lease holder is executing now. Returns how many were marked.
   */
  failInterrupted(input: {
    readonly connectionId: string;
    readonly now: Date;
    readonly exceptRunId: string | null;
    readonly error: { readonly code: string; readonly message: string };
  }): StoreResult<number>;
}
