import { type RunCounts, ZERO_COUNTS } from "../ports/provisioning-engine.js";
import type { LinkState, SyncOp } from "../sync/operations.js";
import type { AbmIndex } from "./abm-index.js";
import { type ApplyResult, applyOps } from "./apply.js";
import { applyOptions } from "./apply-cycle.js";
import type { EngineContext } from "./context.js";
import { countPlanned } from "./plan-cycle.js";
import type { OpenRun } from "./run.js";

/**
 * Applies a full cycle's operations part by part (each part journaled, applied and written back as
 * one `applyOps`), and adds up what they did; a dry run only counts what would run. What ABM
 * accepted is written into the index, so a later part sees ABM as the cycle left it.
 */
export class CycleApplier {
  private readonly total: { -readonly [K in keyof RunCounts]: number } = { ...ZERO_COUNTS };
  private attemptedSoFar = 0;
  private auth: ApplyResult["authFailure"] = null;
  private done = 0;

  constructor(
    private readonly ctx: EngineContext,
    private readonly run: OpenRun,
    private readonly dryRun: boolean,
    private readonly attempts: ReadonlyMap<string, number>,
    private readonly index: AbmIndex,
  ) {}

  get counts(): RunCounts {
    return { ...this.total };
  }

  get result(): Pick<ApplyResult, "attempted" | "authFailure"> {
    return { attempted: this.attemptedSoFar, authFailure: this.auth };
  }

  async apply(ops: readonly SyncOp[], links: ReadonlyMap<string, LinkState>): Promise<void> {
    if (ops.length === 0) return;
    if (this.dryRun) {
      countPlanned(this.total, ops);
      return;
    }
    const { onProgress } = this.ctx;
    const before = this.done;
    const result = await applyOps(ops, {
      ...applyOptions(this.ctx, this.run, links, this.attempts),
      ...(onProgress === undefined ? {} : { onProgress: (d, t) => onProgress(before + d, before + t) }),
      onApplied: (op, scimId) => this.index.applied(op, scimId),
    });
    this.done += ops.length;
    for (const key of Object.keys(this.total) as (keyof RunCounts)[]) this.total[key] += result.counts[key];
    this.attemptedSoFar += result.attempted;
    this.auth ??= result.authFailure;
  }
}
