import type { Clock } from "../clock.js";
import type { IdGenerator } from "../ids.js";
import { type RunCounts, ZERO_COUNTS } from "../ports/provisioning-engine.js";
import { type LinkState, linkAfter, type SyncOp } from "../sync/operations.js";
import type { EngineStore, FailureRecord, JournalCompletion, JournalEntry, OutcomeBatch } from "./engine-store.js";
import type { OpOutcome } from "./executor.js";
import { failureFor, retryDelayMs } from "./failure-advice.js";

export interface ResultsOptions {
  readonly runId: string;
  readonly store: EngineStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** how many times each user already failed (escrow back-off) */
  readonly attempts: ReadonlyMap<string, number>;
  /**
   * Every user in escrow when the run began (a cycle reads it): only their failures, and those
   * of this run, are forgotten when they succeed; absent: forget the failure of every success.
   * Saves two statements per batch of an initial sync, where nobody is in escrow.
   */
  readonly escrow?: ReadonlySet<string>;
}

/** The outcomes of a run's operations: counted, and batched for the store until the next flush. */
export class Results {
  readonly counts = { ...ZERO_COUNTS };
  attempted = 0;
  authFailure: { readonly code: string; readonly message: string } | null = null;
  private links: LinkState[] = [];
  private removed: string[] = [];
  private completions: JournalCompletion[] = [];
  private failures: FailureRecord[] = [];
  private cleared: string[] = [];
  /** users whose failure this run recorded */
  private readonly failedNow = new Set<string>();

  private readonly options: ResultsOptions;
  /** the journal id and the link before the cycle of each operation not written back yet */
  private readonly journaled = new Map<SyncOp, { readonly id: string; readonly link: LinkState | null }>();

  constructor(options: ResultsOptions) {
    this.options = options;
  }

  /** Journals every operation as pending (skips as skipped) before any is sent. */
  async journal(ops: readonly SyncOp[], links: ReadonlyMap<string, LinkState>): Promise<void> {
    const entries: JournalEntry[] = ops.map((op) => {
      const id = this.options.ids.next("op");
      this.journaled.set(op, { id, link: links.get(op.entraId) ?? null });
      return {
        id,
        entraId: op.entraId,
        userName: op.userName,
        action: op.action,
        dedupKey: op.dedupKey,
        reason: op.reason,
        status: op.action === "skip" ? "skipped" : "pending",
      };
    });
    for (let i = 0; i < entries.length; i += 5_000)
      await this.options.store.journal(this.options.runId, entries.slice(i, i + 5_000));
  }

  /** outcomes waiting to be written */
  pending(): number {
    return this.completions.length + this.failures.length;
  }

  add(outcome: OpOutcome): void {
    const { op } = outcome;
    const journaled = this.journaled.get(op);
    this.journaled.delete(op);
    const opId = journaled?.id ?? "";
    const now = this.options.clock.now();
    if (outcome.status === "skipped") {
      this.counts.skipped += 1;
      if (op.action === "skip" && op.problems.length > 0) {
        this.failedNow.add(op.entraId);
        this.failures.push(...op.problems.slice(0, 1).map((p) => failureFor(op, p.code, p.message, p.fix, now, null)));
      }
    } else if (outcome.status === "failed") {
      this.failedNow.add(op.entraId);
      this.attempted += 1;
      this.counts.failed += 1;
      const previous = this.options.attempts.get(op.entraId) ?? 0;
      const advice = failureFor(op, outcome.error.code, outcome.error.message, null, now, null);
      this.failures.push({
        ...advice,
        nextRetryAt: new Date(now.getTime() + retryDelayMs(previous + 1, outcome.error.retryAfterMs)),
      });
      this.completions.push({
        id: opId,
        status: "failed",
        errorCode: outcome.error.code,
        errorMessage: outcome.error.message,
      });
      if (outcome.error.code === "scim.auth" && this.authFailure === null) {
        this.authFailure = { code: outcome.error.code, message: outcome.error.message };
      }
    } else {
      this.attempted += 1;
      countSuccess(this.counts, op, outcome.adopted);
      const next =
        outcome.scimId === null && op.action !== "create"
          ? null
          : linkAfter(op, journaled?.link ?? null, outcome.scimId ?? undefined);
      if (op.action === "adopt" && op.replacesEntraId !== null) this.removed.push(op.replacesEntraId);
      if (next === null) this.removed.push(op.entraId);
      else if (next !== undefined) this.links.push(next);
      const { escrow } = this.options;
      if (escrow === undefined || escrow.has(op.entraId) || this.failedNow.has(op.entraId))
        this.cleared.push(op.entraId);
      this.completions.push({ id: opId, status: "succeeded", errorCode: null, errorMessage: null });
    }
  }

  /** writes what is batched, in one transaction; outcomes added meanwhile wait for the next flush */
  async flush(): Promise<void> {
    const batch: OutcomeBatch = {
      removedLinks: this.removed,
      links: this.links,
      clearedFailures: this.cleared,
      failures: this.failures,
      completions: this.completions,
    };
    this.links = [];
    this.removed = [];
    this.completions = [];
    this.failures = [];
    this.cleared = [];
    if (Object.values(batch).some((rows: readonly unknown[]) => rows.length > 0))
      await this.options.store.recordOutcomes(this.options.runId, batch);
  }
}

function countSuccess(
  counts: { -readonly [K in keyof RunCounts]: number },
  op: SyncOp,
  adoptedOnCreate: boolean,
): void {
  switch (op.action) {
    case "create":
      if (adoptedOnCreate) counts.adopted += 1;
      else counts.created += 1;
      return;
    case "adopt":
      counts.adopted += 1;
      return;
    case "update":
      counts.updated += 1;
      return;
    case "deactivate":
      counts.deactivated += 1;
      return;
    case "delete":
      counts.deleted += 1;
      return;
    case "skip":
      counts.skipped += 1;
      return;
  }
}
