import type { Clock } from "../clock.js";
import type { IdGenerator } from "../ids.js";
import { type RunCounts, ZERO_COUNTS } from "../ports/provisioning-engine.js";
import type { ScimTarget } from "../ports/scim-target.js";
import { type LinkState, linkAfter, type SyncOp } from "../sync/operations.js";
import type { EngineStore, FailureRecord, JournalCompletion, JournalEntry, OutcomeBatch } from "./engine-store.js";
import { executeOps, type OpOutcome } from "./executor.js";
import { failureFor, retryDelayMs } from "./failure-advice.js";

export interface ApplyOptions {
  readonly runId: string;
  readonly store: EngineStore;
  readonly target: ScimTarget;
  readonly concurrency: number;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** links before the cycle, by Entra id (for linkAfter) */
  readonly links: ReadonlyMap<string, LinkState>;
  /** how many times each user already failed (escrow back-off) */
  readonly attempts: ReadonlyMap<string, number>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
  /** after each operation ABM accepted (`scimId`: what the link points at afterwards, null when deleted) */
  readonly onApplied?: (op: SyncOp, scimId: string | null) => void;
}

export interface ApplyResult {
  readonly counts: RunCounts;
  readonly attempted: number;
  readonly authFailure: { readonly code: string; readonly message: string } | null;
}

const FLUSH_EVERY = 500;

/**
 * Journals the operations, runs them, and writes back links, journal completions and failures in
 * batches. Each batch is written before the next is started; on a crash the journal says which
 * operations were pending, and the next (full) cycle re-matches ABM, so nothing is duplicated.
 */
export async function applyOps(ops: readonly SyncOp[], options: ApplyOptions): Promise<ApplyResult> {
  const opIds = await journalOps(ops, options);
  const results = new Results(options, opIds);
  let done = 0;
  let flushing: Promise<void> = Promise.resolve();
  const onOutcome = async (outcome: OpOutcome): Promise<void> => {
    done += 1;
    results.add(outcome);
    options.onProgress?.(done, ops.length);
    if (results.pending() >= FLUSH_EVERY) {
      await flushing;
      flushing = results.flush();
      await flushing;
    }
  };
  await executeOps(ops, {
    target: options.target,
    concurrency: options.concurrency,
    onOutcome,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  await flushing;
  await results.flush();
  return { counts: results.counts, attempted: results.attempted, authFailure: results.authFailure };
}

/** Journals every operation as pending (skips as skipped) before any is sent; returns their ids. */
async function journalOps(ops: readonly SyncOp[], options: ApplyOptions): Promise<Map<SyncOp, string>> {
  const opIds = new Map<SyncOp, string>();
  const entries: JournalEntry[] = ops.map((op) => {
    const id = options.ids.next("op");
    opIds.set(op, id);
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
    await options.store.journal(options.runId, entries.slice(i, i + 5_000));
  return opIds;
}

/** The outcomes of a run's operations: counted, and batched for the store until the next flush. */
class Results {
  readonly counts = { ...ZERO_COUNTS };
  attempted = 0;
  authFailure: ApplyResult["authFailure"] = null;
  private links: LinkState[] = [];
  private removed: string[] = [];
  private completions: JournalCompletion[] = [];
  private failures: FailureRecord[] = [];
  private cleared: string[] = [];

  private readonly options: ApplyOptions;
  private readonly opIds: ReadonlyMap<SyncOp, string>;

  constructor(options: ApplyOptions, opIds: ReadonlyMap<SyncOp, string>) {
    this.options = options;
    this.opIds = opIds;
  }

  /** outcomes waiting to be written */
  pending(): number {
    return this.completions.length + this.failures.length;
  }

  add(outcome: OpOutcome): void {
    const { op } = outcome;
    const now = this.options.clock.now();
    if (outcome.status === "skipped") {
      this.counts.skipped += 1;
      if (op.action === "skip")
        this.failures.push(...op.problems.slice(0, 1).map((p) => failureFor(op, p.code, p.message, p.fix, now, null)));
    } else if (outcome.status === "failed") {
      this.attempted += 1;
      this.counts.failed += 1;
      const previous = this.options.attempts.get(op.entraId) ?? 0;
      const advice = failureFor(op, outcome.error.code, outcome.error.message, null, now, null);
      this.failures.push({
        ...advice,
        nextRetryAt: new Date(now.getTime() + retryDelayMs(previous + 1, outcome.error.retryAfterMs)),
      });
      this.completions.push({
        id: this.opIds.get(op) ?? "",
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
          : linkAfter(op, this.options.links.get(op.entraId) ?? null, outcome.scimId ?? undefined);
      this.options.onApplied?.(op, outcome.scimId);
      if (op.action === "adopt" && op.replacesEntraId !== null) this.removed.push(op.replacesEntraId);
      if (next === null) this.removed.push(op.entraId);
      else if (next !== undefined) this.links.push(next);
      this.cleared.push(op.entraId);
      this.completions.push({ id: this.opIds.get(op) ?? "", status: "succeeded", errorCode: null, errorMessage: null });
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
