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
 * What the native engine needs from persistence, for ONE connection. The composition root adapts
 * the database repositories to it. Methods reject with an AppError when the database fails
 * (the engine turns that into a failed run); expected outcomes are return values.
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

export interface EngineStore {
  settings(): Promise<ConnectionSettings>;
  updateSettings(patch: Partial<ConnectionSettings>): Promise<void>;

  /** a lease with expiry held by one process at a time (compare-and-set); false when another holds it */
  acquireLease(name: string, holder: string, ttlMs: number, now: Date): Promise<boolean>;
  releaseLease(name: string, holder: string): Promise<void>;

  startRun(run: { id: string; kind: CycleKind; trigger: Trigger; actor: string; startedAt: Date }): Promise<void>;
  finishRun(
    id: string,
    end: { finishedAt: Date; outcome: RunOutcome; counts: RunCounts; error: { code: string; message: string } | null },
  ): Promise<void>;
  /** marks runs left `running` by a process that died; returns how many */
  failInterruptedRuns(now: Date, activeHolderRunId: string | null): Promise<number>;
  runs(limit: number): Promise<readonly RunSummary[]>;
  lastSuccessfulRun(): Promise<RunSummary | null>;

  journal(runId: string, entries: readonly JournalEntry[]): Promise<void>;
  completeJournal(runId: string, completions: readonly JournalCompletion[]): Promise<void>;

  links(): Promise<readonly LinkState[]>;
  linksFor(entraIds: readonly string[]): Promise<readonly LinkState[]>;
  /** links whose userName equals one of these, case-insensitively */
  linksForUserNames(userNames: readonly string[]): Promise<readonly LinkState[]>;
  linkCount(): Promise<number>;
  saveLinks(links: readonly LinkState[]): Promise<void>;
  removeLinks(entraIds: readonly string[]): Promise<void>;
  clearLinks(): Promise<void>;

  recordFailures(failures: readonly FailureRecord[]): Promise<void>;
  clearFailures(entraIds: readonly string[]): Promise<void>;
  clearAllFailures(): Promise<void>;
  failures(): Promise<readonly FailureEntry[]>;
  failureCount(): Promise<number>;
  /** Entra ids whose failures are due for a retry */
  dueRetries(now: Date, limit: number): Promise<readonly string[]>;

  watermark(): Promise<string | null>;
  setWatermark(value: string): Promise<void>;
  clearWatermark(): Promise<void>;
}
