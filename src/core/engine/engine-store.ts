import type {
  CycleKind,
  FailureEntry,
  Quarantine,
  RunCounts,
  RunOutcome,
  RunSummary,
  SyncScope,
  Trigger,
} from "../ports/provisioning-engine.js";
import type { LinkState, SyncAction } from "../sync/operations.js";

/**
 * What the native engine needs from persistence, for ONE connection (db/ implements it with the
 * connection bound in SQL). Methods reject with an AppError when the database fails (the engine
 * turns that into a failed run); expected outcomes are return values.
 */
export interface ConnectionSettings {
  readonly scope: SyncScope;
  readonly paused: boolean;
  readonly quarantine: (Quarantine & { readonly seriesCount: number }) | null;
  /** the next cycle must read everything and re-match ABM (after restart, scope change, crash) */
  readonly needsFullCycle: boolean;
  /** an approver rejected held removals: these Entra users are kept active until a restart */
  readonly rejectedRemovals: readonly string[];
}

export interface JournalEntry {
  readonly id: string;
  readonly entraId: string;
  readonly userName: string | null;
  readonly action: SyncAction;
  readonly dedupKey: string;
  readonly reason: string;
  readonly status: "pending" | "held" | "skipped";
}

export interface JournalCompletion {
  readonly id: string;
  readonly status: "succeeded" | "failed";
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
}

export interface FailureRecord {
  readonly entraId: string;
  readonly userName: string | null;
  readonly action: SyncAction;
  readonly code: string;
  readonly reason: string;
  readonly fix: string;
  readonly at: Date;
  /** null: not retried on a timer (invalid data: it comes back when the user changes in Entra) */
  readonly nextRetryAt: Date | null;
}

/**
 * What one flush of a run's outcomes writes, in ONE transaction: a crash never leaves a link
 * without its journal completion or a completion without its link.
 */
export interface OutcomeBatch {
  /** links to delete first (an adopt may take over the ABM user of a link it replaces) */
  readonly removedLinks: readonly string[];
  readonly links: readonly LinkState[];
  /** users that succeeded: their failures are forgotten */
  readonly clearedFailures: readonly string[];
  readonly failures: readonly FailureRecord[];
  readonly completions: readonly JournalCompletion[];
}

/** The end of a cycle, in ONE transaction (the delta link moves with what it stands for). */
export interface CycleEnd {
  /** escrowed users that left Entra or the scope with nothing left to do in ABM */
  readonly departed: readonly string[];
  readonly watermark: string;
  /** a full cycle completed: the next one may be incremental */
  readonly fullCycleDone: boolean;
}

/** The journal's latest operation of one user (`why`). */
export interface JournaledOperation {
  readonly runId: string;
  readonly action: string;
  readonly status: string;
  readonly reason: string;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  /** when it finished, else when it was journaled */
  readonly at: Date;
}

export interface EngineStore {
  settings(): Promise<ConnectionSettings>;
  updateSettings(patch: Partial<ConnectionSettings>): Promise<void>;

  /** a lease with expiry held by one process at a time (compare-and-set); false when another holds it */
  acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean>;
  /** gives the lease up when `holder` holds it; false otherwise */
  releaseLease(name: string, holder: string): Promise<boolean>;

  startRun(run: { id: string; kind: CycleKind; trigger: Trigger; actor: string; startedAt: Date }): Promise<void>;
  /** compare-and-set running → outcome; false when the run had already finished */
  finishRun(
    id: string,
    end: { finishedAt: Date; outcome: RunOutcome; counts: RunCounts; error: { code: string; message: string } | null },
  ): Promise<boolean>;
  /** marks runs left `running` by a process that died; returns how many */
  failInterruptedRuns(now: Date, activeHolderRunId: string | null): Promise<number>;
  /** newest first */
  runs(limit: number): Promise<readonly RunSummary[]>;
  /** the newest run that ended `succeeded` or `partial` */
  lastSuccessfulRun(): Promise<RunSummary | null>;

  /** journals a run's planned operations before anything is applied; a dedup key already journaled for the run is skipped */
  journal(runId: string, entries: readonly JournalEntry[]): Promise<void>;
  /** one transaction: links, failures and journal completions of a batch of applied operations */
  recordOutcomes(runId: string, batch: OutcomeBatch): Promise<void>;
  /** one transaction: departed users leave the escrow, the delta link moves, a full cycle is marked done */
  completeCycle(end: CycleEnd): Promise<void>;
  /** one transaction: forgets the delta link, the escrow, rejected removals and the quarantine; the next cycle is full */
  resetForRestart(): Promise<void>;

  links(): Promise<readonly LinkState[]>;
  linksFor(entraIds: readonly string[]): Promise<readonly LinkState[]>;
  /** links whose userName equals one of these, case-insensitively */
  linksForUserNames(userNames: readonly string[]): Promise<readonly LinkState[]>;
  /** links to these ABM users */
  linksForScimIds(scimIds: readonly string[]): Promise<readonly LinkState[]>;
  /** the Entra ids of links in ascending order, the first `limit` after `after` (null: from the start) */
  linkedIdsAfter(after: string | null, limit: number): Promise<readonly string[]>;
  linkCount(): Promise<number>;

  /** the newest journaled operation of this Entra user (null: never planned) */
  lastOperation(entraId: string): Promise<JournaledOperation | null>;

  /** failing users, most recent failure first */
  failures(): Promise<readonly FailureEntry[]>;
  failureCount(): Promise<number>;
  /** Entra ids whose failures are due for a retry, oldest due first */
  dueRetries(now: Date, limit: number): Promise<readonly string[]>;

  /** the delta link of the last completed cycle */
  watermark(): Promise<string | null>;
}
