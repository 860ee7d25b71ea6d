import type { AppError } from "../errors.js";
import { ok, type Result } from "../result.js";
import type { RemovalOp } from "../sync/operations.js";
import type { PlanPart, Removal } from "../sync/planner.js";
import type { AbmIndex } from "./abm-index.js";
import { type CycleResult, holdBatch, quarantineAfter } from "./apply-cycle.js";
import type { EngineContext } from "./context.js";
import type { CycleApplier } from "./cycle-applier.js";
import type { CycleLedger } from "./cycle-ledger.js";
import type { FullCycleInput, FullCycleSetup } from "./full-cycle.js";
import { removalOps } from "./held-ops.js";
import { type RemovalRecord, settleRemovals } from "./plan-cycle.js";
import type { OpenRun, RunWork } from "./run.js";
import type { PartNeeds } from "./slice-targets.js";

/** linked users read per page when looking for those the source no longer holds */
const LINK_PAGE = 5_000;

/** What the end of a full cycle works with (a FullCycle). */
export interface EndingCycle {
  readonly ctx: EngineContext;
  readonly input: FullCycleInput;
  readonly run: OpenRun;
  readonly setup: FullCycleSetup;
  readonly index: AbmIndex;
  readonly ledger: CycleLedger;
  readonly applier: CycleApplier;
  plan(kind: PlanPart["kind"], needs: PartNeeds, removals: readonly Removal[]): Promise<Result<void, AppError>>;
}

/**
 * The end of a full cycle, once every slice is read and applied: the linked users the source no
 * longer holds (page by page through the links), then the deferred claims and the escrowed users
 * without a link that left; then the threshold over every removal of the cycle, held or applied;
 * only then the watermark moves, with the escrowed users that departed.
 */
export async function endFullCycle(
  cycle: EndingCycle,
  watermark: string,
): Promise<Result<RunWork<CycleResult>, AppError>> {
  const { ctx, run, ledger, setup, input } = cycle;
  // every slice applied and written: the links the end reads are the cycle's
  await cycle.applier.drain();
  const leavers = await planLeavers(cycle);
  if (!leavers.ok) return leavers;
  const deferred = [...ledger.deferred.values()];
  const unconfirmed = ledger.unconfirmedLeft();
  if (deferred.length > 0 || unconfirmed.length > 0) {
    const end = await cycle.plan("end", { users: deferred, unconfirmed }, removalsOf(ledger, unconfirmed));
    if (!end.ok) return end;
  }
  const settled = settleRemovals(ledger.removals.list(), setup, ledger.view(setup.scopeIds), {
    policy: ctx.policy,
    threshold: ctx.threshold,
    cycle: input.kind,
    now: run.startedAt,
    dryRun: input.dryRun,
  });
  run.log.info({ deferred: deferred.length, removals: settled.apply.length, held: settled.held.length }, "planned");
  const approval = input.dryRun ? null : await holdBatch(ctx, run, settled);
  await applyRemovals(cycle, settled.apply);
  const result = await cycle.applier.close();
  const counts = { ...result.counts, held: settled.held.length };
  if (!input.dryRun) {
    // the watermark moves only now: every change is applied, escrowed or held
    await ctx.store.completeCycle({
      departed: ledger.departed(),
      watermark,
      fullCycleDone: setup.settings.needsFullCycle,
    });
    await quarantineAfter(ctx, run, setup.settings, result, counts);
  }
  return ok({ counts, attempted: result.attempted, value: { held: settled.held.length, approval } });
}

/** links whose Entra user the source no longer holds: removed, out of scope, or missing */
async function planLeavers(cycle: EndingCycle): Promise<Result<void, AppError>> {
  const { ctx, ledger } = cycle;
  let after: string | null = null;
  for (;;) {
    const ids: readonly string[] = await ctx.store.linkedIdsAfter(after, LINK_PAGE);
    const leaving = ids.filter((id) => !ledger.has(id));
    if (leaving.length > 0) {
      const links = await ctx.store.linksFor(leaving);
      const planned = await cycle.plan("removals", { users: [], leaving: links }, removalsOf(ledger, leaving));
      if (!planned.ok) return planned;
    }
    const last = ids[ids.length - 1];
    if (ids.length < LINK_PAGE || last === undefined) return ok(undefined);
    after = last;
  }
}

function removalsOf(ledger: CycleLedger, ids: readonly string[]): Removal[] {
  const removals: Removal[] = [];
  for (const entraId of ids) {
    const reason = ledger.removed.get(entraId);
    if (reason !== undefined) removals.push({ entraId, reason });
  }
  return removals;
}

/** the removals the threshold lets through, as planned (or rebuilt from what was kept of them) */
async function applyRemovals(cycle: EndingCycle, removals: readonly RemovalRecord[]): Promise<void> {
  if (removals.length === 0) return;
  const ops: RemovalOp[] = removals.map((r) => cycle.ledger.removals.op(r.entraId) ?? rebuilt(r));
  const links = await cycle.ctx.store.linksFor(ops.map((op) => op.entraId));
  await cycle.applier.apply(ops, new Map(links.map((l) => [l.entraId, l] as const)));
}

function rebuilt(removal: RemovalRecord): RemovalOp {
  const [op] = removalOps([removal]);
  if (op === undefined) throw new TypeError("removalOps returned nothing for a removal");
  return op;
}
