import { type RunCounts, ZERO_COUNTS } from "../ports/provisioning-engine.js";
import type { LinkState, SyncOp } from "../sync/operations.js";
import type { AbmIndex } from "./abm-index.js";
import { type ApplyResult, ApplyStream } from "./apply.js";
import { applyOptions } from "./apply-cycle.js";
import type { EngineContext } from "./context.js";
import { countPlanned } from "./plan-cycle.js";
import type { OpenRun } from "./run.js";

/**
 * Applies a full cycle's operations as its parts hand them over: one stream of workers for the
 * whole cycle (apply.ts), each part journaled before its operations are sent. What ABM accepted is
 * written into the index. A dry run only counts what would run.
 */
export class CycleApplier {
  private readonly stream: ApplyStream | null;
  private readonly planned: { -readonly [K in keyof RunCounts]: number } = { ...ZERO_COUNTS };

  constructor(
    ctx: EngineContext,
    run: OpenRun,
    dryRun: boolean,
    attempts: ReadonlyMap<string, number>,
    index: AbmIndex,
  ) {
    this.stream = dryRun
      ? null
      : new ApplyStream({ ...applyOptions(ctx, run, new Map(), attempts), onApplied: (op) => index.applied(op) });
  }

  /** Journals and queues `ops` (their links before the cycle in `links`); throws a failed write. */
  async apply(ops: readonly SyncOp[], links: ReadonlyMap<string, LinkState>): Promise<void> {
    if (this.stream === null) countPlanned(this.planned, ops);
    else await this.stream.push(ops, links);
  }

  /** Waits until everything queued ran and is written (the links in the store are the cycle's). */
  async drain(): Promise<void> {
    await this.stream?.drain();
  }

  /** Runs what is left and stops; what the cycle's operations did (or, dry, would do). */
  async close(): Promise<ApplyResult> {
    if (this.stream === null) return { counts: { ...this.planned }, attempted: 0, authFailure: null };
    return this.stream.close();
  }
}
