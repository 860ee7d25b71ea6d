import { AppError } from "../errors.js";
import type { RunCounts } from "../ports/provisioning-engine.js";
import type { ScimTarget } from "../ports/scim-target.js";
import type { LinkState, SyncOp } from "../sync/operations.js";
import { Results, type ResultsOptions } from "./apply-results.js";
import { executeOp } from "./executor.js";

export interface ApplyOptions extends ResultsOptions {
  readonly target: ScimTarget;
  readonly concurrency: number;
  /** links before the cycle, by Entra id (for linkAfter) */
  readonly links: ReadonlyMap<string, LinkState>;
  readonly onProgress?: (done: number, total: number) => void;
  /** after each operation ABM accepted */
  readonly onApplied?: (op: SyncOp) => void;
  /**
   * the service is stopping: no operation is started any more, the ones in flight finish and every
   * outcome is written, then the stream throws `engine.interrupted` (the watermark stays where it was)
   */
  readonly stopping?: AbortSignal;
}

/** what a stream stopped by `stopping` throws */
export function interruptedError(): AppError {
  return new AppError(
    "engine.interrupted",
    "The service is stopping: the cycle stopped after the requests in flight; the next cycle goes on from there.",
    { retryable: true },
  );
}

export interface ApplyResult {
  readonly counts: RunCounts;
  readonly attempted: number;
  readonly authFailure: { readonly code: string; readonly message: string } | null;
}

const FLUSH_EVERY = 500;
/** outcomes waiting to be written past which a worker waits for the batch being written */
const FLUSH_BACKLOG = 4 * FLUSH_EVERY;

/**
 * Journals the operations, runs them, and writes back links, journal completions and failures in
 * batches. Each batch is written before the next is started; on a crash the journal says which
 * operations were pending, and the next (full) cycle re-matches ABM, so nothing is duplicated.
 */
export async function applyOps(ops: readonly SyncOp[], options: ApplyOptions): Promise<ApplyResult> {
  const stream = new ApplyStream(options);
  await stream.push(ops, options.links);
  return stream.close();
}

/**
 * applyOps for operations handed over in parts (a full cycle, slice by slice): one pool of
 * `concurrency` workers runs them as they come, so no part waits for the last requests of the one
 * before; each part is journaled before any of its operations is sent; outcomes are written back in
 * batches of FLUSH_EVERY, one batch at a time, while the workers go on.
 */
export class ApplyStream {
  private readonly results: Results;
  private readonly queue: SyncOp[] = [];
  private head = 0;
  private readonly workers: Promise<void>[];
  private readonly sleepers: (() => void)[] = [];
  private waiters: { readonly until: () => boolean; readonly resolve: () => void }[] = [];
  private closed = false;
  private running = 0;
  private done = 0;
  private total = 0;
  private writing: Promise<void> | null = null;
  private failure: unknown = null;

  constructor(private readonly options: Omit<ApplyOptions, "links">) {
    this.results = new Results(options);
    this.workers = Array.from({ length: Math.max(1, options.concurrency) }, () => this.work());
    options.stopping?.addEventListener("abort", () => this.wakeAll(), { once: true });
  }

  /**
   * Journals `ops` (with their links before the cycle) and queues them; resolves once the queue
   * holds at most twice as many. Throws what stopped the stream (a write that failed).
   */
  async push(ops: readonly SyncOp[], links: ReadonlyMap<string, LinkState>): Promise<void> {
    await this.check();
    if (ops.length === 0) return;
    await this.results.journal(ops, links);
    this.queue.push(...ops);
    this.total += ops.length;
    for (const wake of this.sleepers.splice(0)) wake();
    await this.until(() => this.queued() <= 2 * ops.length);
    await this.check();
  }

  /** Waits until every queued operation ran and its outcome is written. */
  async drain(): Promise<void> {
    await this.until(() => this.queued() === 0 && this.running === 0);
    await this.check();
    await this.write(true);
    await this.check();
  }

  /** Runs what is queued, writes the last outcomes, and stops the workers. */
  async close(): Promise<ApplyResult> {
    this.closed = true;
    for (const wake of this.sleepers.splice(0)) wake();
    await Promise.all(this.workers);
    await this.check();
    await this.write(true);
    await this.check();
    return { counts: this.results.counts, attempted: this.results.attempted, authFailure: this.results.authFailure };
  }

  /**
   * Throws what stopped the stream: a write that failed, or the service stopping — then only once
   * the workers finished their requests in flight and every outcome is written.
   */
  private async check(): Promise<void> {
    if (this.failure === null && this.stopped()) {
      await Promise.all(this.workers);
      if (this.failure === null) await this.write(true);
      this.failure ??= interruptedError();
    }
    if (this.failure !== null) throw this.failure;
  }

  private stopped(): boolean {
    return this.options.stopping?.aborted === true;
  }

  private wakeAll(): void {
    for (const wake of this.sleepers.splice(0)) wake();
    this.notify();
  }

  private queued(): number {
    return this.queue.length - this.head;
  }

  private until(condition: () => boolean): Promise<void> {
    if (condition() || this.failure !== null || this.stopped()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ until: condition, resolve }));
  }

  private notify(): void {
    const ready = this.waiters.filter((w) => w.until() || this.failure !== null || this.stopped());
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.resolve();
  }

  private async work(): Promise<void> {
    while (this.failure === null && !this.stopped()) {
      const op = this.queue[this.head];
      if (op === undefined) {
        if (this.closed) return;
        await new Promise<void>((resolve) => this.sleepers.push(resolve));
        continue;
      }
      this.dequeue();
      this.running += 1;
      const outcome = await executeOp(op, this.options.target);
      this.running -= 1;
      this.results.add(outcome);
      this.done += 1;
      this.options.onProgress?.(this.done, this.total);
      if (outcome.status === "succeeded") this.options.onApplied?.(op);
      await this.write(false);
      this.notify();
    }
  }

  /** moves past the head, dropping what ran now and then so a long stream does not keep it */
  private dequeue(): void {
    this.head += 1;
    if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.notify();
  }

  /** writes a batch when one is due (`all`: whatever is left), one at a time; waits only when behind */
  private async write(all: boolean): Promise<void> {
    if (this.writing !== null && (all || this.results.pending() >= FLUSH_BACKLOG)) await this.writing;
    if (this.writing !== null || this.results.pending() < (all ? 1 : FLUSH_EVERY)) return;
    const writing = this.results.flush().then(
      () => {
        this.writing = null;
      },
      (thrown: unknown) => {
        this.writing = null;
        this.failure ??= thrown;
        for (const wake of this.sleepers.splice(0)) wake();
        this.notify();
      },
    );
    this.writing = writing;
    if (all) await writing;
  }
}
