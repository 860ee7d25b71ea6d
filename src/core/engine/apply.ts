import type { Clock } from "../clock.js";
import type { IdGenerator } from "../ids.js";
import { type RunCounts, ZERO_COUNTS } from "../ports/provisioning-engine.js";
import type { ScimTarget } from "../ports/scim-target.js";
import { type LinkState, linkAfter, type SyncOp } from "../sync/operations.js";
import type { EngineStore, FailureRecord, JournalCompletion, JournalEntry } from "./engine-store.js";
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
  const { store, runId } = options;
  const counts = { ...ZERO_COUNTS };
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
  for (let i = 0; i < entries.length; i += 5_000) await store.journal(runId, entries.slice(i, i + 5_000));

  let links: LinkState[] = [];
  let removed: string[] = [];
  let completions: JournalCompletion[] = [];
  let failures: FailureRecord[] = [];
  let cleared: string[] = [];
  let authFailure: ApplyResult["authFailure"] = null;
  let done = 0;
  let attempted = 0;
  let flushing: Promise<void> = Promise.resolve();

  const flush = async (): Promise<void> => {
    const batch = { links, removed, completions, failures, cleared };
    links = [];
    removed = [];
    completions = [];
    failures = [];
    cleared = [];
    // removals first: an adopt may take over the ABM user of a link it replaces (unique scim id)
    if (batch.removed.length > 0) await store.removeLinks(batch.removed);
    if (batch.links.length > 0) await store.saveLinks(batch.links);
    if (batch.cleared.length > 0) await store.clearFailures(batch.cleared);
    if (batch.failures.length > 0) await store.recordFailures(batch.failures);
    if (batch.completions.length > 0) await store.completeJournal(runId, batch.completions);
  };

  const onOutcome = async (outcome: OpOutcome): Promise<void> => {
    const { op } = outcome;
    const now = options.clock.now();
    done += 1;
    if (outcome.status === "skipped") {
      counts.skipped += 1;
      if (op.action === "skip")
        failures.push(...op.problems.slice(0, 1).map((p) => failureFor(op, p.code, p.message, p.fix, now, null)));
    } else if (outcome.status === "failed") {
      attempted += 1;
      counts.failed += 1;
      const previous = options.attempts.get(op.entraId) ?? 0;
      const advice = failureFor(op, outcome.error.code, outcome.error.message, null, now, null);
      failures.push({
        ...advice,
        nextRetryAt: new Date(now.getTime() + retryDelayMs(previous + 1, outcome.error.retryAfterMs)),
      });
      completions.push({
        id: opIds.get(op) ?? "",
        status: "failed",
        errorCode: outcome.error.code,
        errorMessage: outcome.error.message,
      });
      if (outcome.error.code === "scim.auth" && authFailure === null) {
        authFailure = { code: outcome.error.code, message: outcome.error.message };
      }
    } else {
      attempted += 1;
      countSuccess(counts, op, outcome.adopted);
      const next =
        outcome.scimId === null && op.action !== "create"
          ? null
          : linkAfter(op, options.links.get(op.entraId) ?? null, outcome.scimId ?? undefined);
      if (op.action === "adopt" && op.replacesEntraId !== null) removed.push(op.replacesEntraId);
      if (next === null) removed.push(op.entraId);
      else if (next !== undefined) links.push(next);
      cleared.push(op.entraId);
      completions.push({ id: opIds.get(op) ?? "", status: "succeeded", errorCode: null, errorMessage: null });
    }
    options.onProgress?.(done, ops.length);
    if (completions.length + failures.length >= FLUSH_EVERY) {
      await flushing;
      flushing = flush();
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
  await flush();
  return { counts, attempted, authFailure };
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
