import { type AppError, toAppError } from "../errors.js";
import type { DirectoryChange } from "../ports/directory-source.js";
import type { CycleKind, RunSummary, Trigger } from "../ports/provisioning-engine.js";
import { err, ok, type Result } from "../result.js";
import { selectFor } from "../sync/attribute-map.js";
import { interruptedError } from "./apply.js";
import { applyAndRecord, type CycleResult } from "./apply-cycle.js";
import type { EngineContext } from "./context.js";
import type { ConnectionSettings } from "./engine-store.js";
import { FullCycle } from "./full-cycle.js";
import { withCycleLease } from "./lease.js";
import { planCycle, plannedCounts } from "./plan-cycle.js";
import { readChanges } from "./read-changes.js";
import { ChangeBuffer } from "./read-source.js";
import { type OpenRun, type RunWork, withRun } from "./run.js";

export interface CycleInput {
  readonly kind: CycleKind;
  readonly full: boolean;
  readonly trigger: Trigger;
  readonly actor: string;
  readonly dryRun: boolean;
}

export interface CycleReport {
  readonly run: RunSummary;
  readonly held: number;
  readonly approvalId: string | null;
}

/** One cycle under the per-connection lease: read → plan → apply and record, inside one run. */
export async function runCycleLocked(ctx: EngineContext, input: CycleInput): Promise<Result<CycleReport, AppError>> {
  return withCycleLease(ctx, {}, async () => {
    try {
      return await runCycle(ctx, input);
    } catch (error) {
      return err(toAppError(error, "engine.cycle_failed"));
    }
  });
}

async function runCycle(ctx: EngineContext, input: CycleInput): Promise<Result<CycleReport, AppError>> {
  // runs a process that died left `running` (this one holds the lease: none of them is ours)
  await ctx.store.failInterruptedRuns(ctx.clock.now(), null);
  const ended = await withRun(
    ctx,
    {
      kind: input.kind,
      trigger: input.trigger,
      actor: input.actor,
      dryRun: input.dryRun,
      failureCode: "engine.cycle_failed",
    },
    (run) => cycleSteps(ctx, input, run),
    (run, result) => announce(ctx, input, run, result),
  );
  if (ended.ok) {
    const { held, approval } = ended.value;
    return ok({ run: ended.run, held, approvalId: approval?.id ?? null });
  }
  // a dry run that broke answers with the error; a real one is recorded (and announced) as failed
  if (ended.thrown && input.dryRun) return err(ended.error);
  return ok({ run: ended.run, held: 0, approvalId: null });
}

/** read → plan → apply and record: a full cycle in slices, an incremental one whole */
async function cycleSteps(
  ctx: EngineContext,
  input: CycleInput,
  run: OpenRun,
): Promise<Result<RunWork<CycleResult>, AppError>> {
  const settings = await ctx.store.settings();
  const watermark = input.full || settings.needsFullCycle ? null : await ctx.store.watermark();
  const done = await readAndRun(ctx, input, run, settings, watermark);
  if (!done.ok) {
    // a failure the cycle expects (Graph or ABM unreachable, refused): the run ends `failed`
    if (done.error.code === "graph.auth" || done.error.code === "scim.auth") await ctx.quarantine(done.error.message);
    return err(done.error);
  }
  return done;
}

/**
 * Reads the users delta and runs the cycle the read turns out to be. Without a watermark the cycle
 * is full from the start; an incremental read whose delta link expired becomes a full read at its
 * first full batch (the source starts over), and the cycle becomes full there.
 */
async function readAndRun(
  ctx: EngineContext,
  input: CycleInput,
  run: OpenRun,
  settings: ConnectionSettings,
  watermark: string | null,
): Promise<Result<RunWork<CycleResult>, AppError>> {
  const reader = new CycleReader(ctx, input, run, settings);
  if (watermark === null) {
    const started = await reader.startFull();
    if (!started.ok) return err(started.error);
  }
  const read = await ctx.directory.readChanges({
    watermark,
    select: selectFor(ctx.map),
    onBatch: (changes, info) => reader.take(changes, info.full),
    ...(ctx.stopping === undefined ? {} : { signal: ctx.stopping }),
  });
  if (!read.ok) {
    await reader.drain();
    // the read was cut short by the service stopping, not by Graph
    return err(ctx.stopping?.aborted === true ? interruptedError() : read.error);
  }
  return reader.finish(read.value.watermark);
}

/** Where the batches of a read go: a full cycle's slices, or the incremental cycle's buffer. */
class CycleReader {
  private full: FullCycle | null = null;
  private readonly buffer = new ChangeBuffer();

  constructor(
    private readonly ctx: EngineContext,
    private readonly input: CycleInput,
    private readonly run: OpenRun,
    private readonly settings: ConnectionSettings,
  ) {}

  async startFull(): Promise<Result<void, AppError>> {
    const started = await FullCycle.start(this.ctx, this.input, this.run, this.settings);
    if (!started.ok) return err(started.error);
    this.full = started.value;
    // the expired read's removals still tell how those users left
    for (const [id, reason] of this.buffer.removals) started.value.ledger.leave(id, reason);
    return ok(undefined);
  }

  /** Throws an AppError (the source hands it back as its result). */
  async take(changes: readonly DirectoryChange[], full: boolean): Promise<void> {
    if (full && this.full === null) {
      const started = await this.startFull();
      if (!started.ok) throw started.error;
    }
    if (this.full !== null) await this.full.take(changes);
    else this.buffer.add(changes);
  }

  /** the read failed: what the slices queued still runs and is written first */
  async drain(): Promise<void> {
    await this.full?.drain();
  }

  async finish(watermark: string): Promise<Result<RunWork<CycleResult>, AppError>> {
    if (this.full !== null) return this.full.finish(watermark);
    const { ctx, input, run } = this;
    const source = { watermark, users: this.buffer.users, removals: this.buffer.removals };
    const snapshot = await readChanges(ctx, source, this.settings, run);
    if (!snapshot.ok) return err(snapshot.error);
    const plan = planCycle(snapshot.value, {
      policy: ctx.policy,
      threshold: ctx.threshold,
      cycle: input.kind,
      now: run.startedAt,
      dryRun: input.dryRun,
    });
    run.log.info({ planned: plan.ops.length, held: plan.held.length }, "planned");
    if (input.dryRun)
      return ok({ counts: plannedCounts(plan), attempted: 0, value: { held: plan.held.length, approval: null } });
    return ok(await applyAndRecord(ctx, run, snapshot.value, plan));
  }
}

/** run_finished with the escrow as it is now, then the held batch (its alert names the run) */
async function announce(ctx: EngineContext, input: CycleInput, run: RunSummary, result: CycleResult): Promise<void> {
  if (input.dryRun) return;
  ctx.logger.child({ runId: run.id, kind: run.kind }).info({ outcome: run.outcome, ...run.counts }, "cycle finished");
  const failures = await ctx.store.failures();
  ctx.events.emit({ type: "run_finished", run, failures });
  if (result.approval !== null) ctx.events.emit({ type: "deletions_held", approval: result.approval, run });
}
