import { type AppError, toAppError } from "../errors.js";
import type { DirectoryChange } from "../ports/directory-source.js";
import type { CycleKind, FailureEntry } from "../ports/provisioning-engine.js";
import { err, ok, type Result } from "../result.js";
import type { LinkState, SyncOp } from "../sync/operations.js";
import { type PlanPart, planSync, type Removal } from "../sync/planner.js";
import { prepareUsers } from "../sync/prepare.js";
import type { SourceUser } from "../users.js";
import { type AbmIndex, indexAbm } from "./abm-index.js";
import type { CycleResult } from "./apply-cycle.js";
import type { EngineContext } from "./context.js";
import { CycleApplier } from "./cycle-applier.js";
import { CycleLedger } from "./cycle-ledger.js";
import type { ConnectionSettings } from "./engine-store.js";
import { endFullCycle } from "./full-cycle-end.js";
import { type OpenBatch, openBatch } from "./read-changes.js";
import type { OpenRun, RunWork } from "./run.js";
import { type PartNeeds, partTargets } from "./slice-targets.js";

/** source users planned and applied together, unless the engine is given another size (tests) */
const DEFAULT_SLICE_SIZE = 1000;

/** What a full cycle read before its first slice. */
export interface FullCycleSetup {
  readonly settings: ConnectionSettings;
  /** the users of the assigned scope; null for scope `all` */
  readonly scopeIds: ReadonlySet<string> | null;
  readonly open: OpenBatch | null;
  /** the store held links as the cycle began (false on a first sync: no slice needs to read any) */
  readonly linkedBefore: boolean;
}

export interface FullCycleInput {
  readonly dryRun: boolean;
  readonly kind: CycleKind;
}

/**
 * A full cycle in slices (docs/architecture.md, "A full cycle in slices"): ABM is indexed first
 * (keys and a hash per user), then the source is read page by page and every `sliceSize` users are
 * mapped, validated, planned and applied (journaled, sent, written back) before the next page is
 * read. Removals only wait: once the source is read whole, the linked users it no longer holds are
 * planned, the deferred claims decided, the threshold applied to every removal of the cycle, and
 * only then the watermark moves (full-cycle-end.ts). Memory: the ABM index and the ledger (ids,
 * userNames, deferred users, removals), never the whole directory.
 */
export class FullCycle {
  private readonly pending = new Map<string, SourceUser>();
  private slices = 0;

  private constructor(
    readonly ctx: EngineContext,
    readonly input: FullCycleInput,
    readonly run: OpenRun,
    readonly setup: FullCycleSetup,
    readonly index: AbmIndex,
    readonly ledger: CycleLedger,
    readonly applier: CycleApplier,
  ) {}

  /** Reads the scope, the escrow, the open approval, and indexes ABM. */
  static async start(
    ctx: EngineContext,
    input: FullCycleInput,
    run: OpenRun,
    settings: ConnectionSettings,
  ): Promise<Result<FullCycle, AppError>> {
    let scopeIds: ReadonlySet<string> | null = null;
    if (settings.scope === "assigned") {
      const scope = await ctx.directory.readAssignedScope();
      if (!scope.ok) return err(scope.error);
      scopeIds = scope.value.userIds;
    }
    const failures = await ctx.store.failures();
    const unconfirmed = await unlinked(ctx, failures);
    const open = await openBatch(ctx);
    const linkedBefore = (await ctx.store.linkCount()) > 0;
    const index = await indexAbm(ctx.target);
    if (!index.ok) return err(index.error);
    run.log.info({ users: index.value.size }, "listed ABM");
    const openIds = open?.batch.removals.map((r) => r.entraId) ?? [];
    const ledger = new CycleLedger({
      unconfirmed,
      openIds,
      keepWhole: ctx.threshold + openIds.length + settings.rejectedRemovals.length,
    });
    const attempts = new Map(failures.map((f) => [f.entraId, f.attempts] as const));
    const applier = new CycleApplier(ctx, run, input.dryRun, attempts, index.value);
    return ok(new FullCycle(ctx, input, run, { settings, scopeIds, open, linkedBefore }, index.value, ledger, applier));
  }

  /** A page of the source: users in scope wait for their slice; full slices are planned and applied. Throws an AppError. */
  async take(changes: readonly DirectoryChange[]): Promise<void> {
    const { scopeIds } = this.setup;
    for (const change of changes) {
      if (change.kind === "removed") {
        this.pending.delete(change.id);
        this.ledger.leave(change.id, change.reason);
      } else if (scopeIds === null || scopeIds.has(change.user.id)) {
        this.pending.delete(change.user.id); // the last read of a user wins, in read order
        this.pending.set(change.user.id, change.user);
      }
    }
    const size = this.ctx.sliceSize ?? DEFAULT_SLICE_SIZE;
    while (this.pending.size >= size) await this.sliceOf(size);
  }

  /** The source is read whole: the last slice, then the end of the cycle. */
  async finish(watermark: string): Promise<Result<RunWork<CycleResult>, AppError>> {
    try {
      if (this.pending.size > 0) await this.sliceOf(this.pending.size);
    } catch (thrown) {
      await this.drain();
      // as from a slice planned while reading (the source hands the error back)
      return err(toAppError(thrown, "engine.cycle_failed"));
    }
    const { ledger } = this;
    this.run.log.info(
      { full: true, users: ledger.readCount, removals: ledger.removed.size, slices: this.slices },
      "read Entra",
    );
    try {
      return await endFullCycle(this, watermark);
    } finally {
      await this.drain(); // a write that failed at the end leaves no worker behind
    }
  }

  /** Plans one part and queues its operations, removals excepted (the end's parts). */
  async plan(kind: PlanPart["kind"], needs: PartNeeds, removals: readonly Removal[]): Promise<Result<void, AppError>> {
    const planned = await this.planPart(kind, needs, removals);
    if (!planned.ok) return err(planned.error);
    await this.applier.apply(planned.value.ops, planned.value.links);
    return ok(undefined);
  }

  /** The read stopped (or the cycle ended): what is queued still runs and is written before the run ends. */
  async drain(): Promise<void> {
    try {
      await this.applier.close();
    } catch (thrown) {
      const error = toAppError(thrown, "engine.cycle_failed");
      this.run.log.error({ code: error.code, message: error.message }, "applying the slices read so far failed");
    }
  }

  /**
   * Plans one part against the index (the ABM users and links its users need, resolved first) and
   * returns what runs now; removals wait in the ledger for the end.
   */
  private async planPart(
    kind: PlanPart["kind"],
    needs: PartNeeds,
    removals: readonly Removal[],
  ): Promise<Result<{ ops: SyncOp[]; links: ReadonlyMap<string, LinkState> }, AppError>> {
    const { ctx, ledger, index } = this;
    const prepared = await partTargets(ctx, index, {
      ...needs,
      revisited: ledger.revisited,
      noLinksBefore: !this.setup.linkedBefore,
    });
    if (!prepared.ok) return err(prepared.error);
    const { links, targets } = prepared.value;
    const plan = planSync({
      kind: "full",
      users: needs.users,
      links,
      targets,
      removals,
      unconfirmed: needs.unconfirmed ?? [],
      policy: ctx.policy,
      part: ledger.part(kind, index),
    });
    for (const user of plan.deferred) ledger.deferred.set(user.entraId, user);
    return ok({ ops: ledger.record(plan.ops, index), links: new Map(links.map((l) => [l.entraId, l] as const)) });
  }

  /**
   * One slice: mapped, validated, planned and queued (journaled first) while the slices before it
   * are still being applied; the source reads on meanwhile. A user read again waits until its
   * earlier read is applied and written: its link decides the new plan.
   */
  private async sliceOf(size: number): Promise<void> {
    const users: SourceUser[] = [];
    for (const [id, user] of this.pending) {
      if (users.length >= size) break;
      users.push(user);
      this.pending.delete(id);
    }
    if (users.some((user) => this.ledger.has(user.id))) await this.applier.drain();
    for (const user of users) this.ledger.enter(user);
    const prepared = prepareUsers(users, this.ctx.map, { verifiedDomains: this.ctx.verifiedDomains });
    this.slices += 1;
    const planned = await this.plan("slice", { users: this.ledger.flagDuplicates(prepared) }, []);
    if (!planned.ok) throw planned.error;
    this.run.log.debug({ slice: this.slices, users: users.length, read: this.ledger.readCount }, "slice queued");
  }
}

/** the escrowed users without a link: a create may have reached ABM although its answer was lost */
async function unlinked(ctx: EngineContext, failures: readonly FailureEntry[]): Promise<string[]> {
  if (failures.length === 0) return [];
  const linked = new Set((await ctx.store.linksFor(failures.map((f) => f.entraId))).map((l) => l.entraId));
  return failures.map((f) => f.entraId).filter((id) => !linked.has(id));
}
