import type { Approval, HeldRemoval } from "../approvals/approval.js";
import type { CycleKind, RunCounts } from "../ports/provisioning-engine.js";
import { isEnabled } from "../sync/mapping.js";
import { isRemoval, type RemovalOp, type SyncOp } from "../sync/operations.js";
import { type PlanInput, planSync, type SyncPolicy } from "../sync/planner.js";
import { exceedsThreshold } from "../sync/threshold.js";
import type { ConnectionSettings } from "./engine-store.js";
import type { NativeBatch, OpenBatch, Snapshot } from "./read-changes.js";

/** What the open approval becomes: kept as it is, or closed and replaced by the cycle's `hold`. */
export type OpenFate = "keep" | "expire" | "withdraw";

export interface PlanOptions {
  readonly policy: SyncPolicy;
  /** DELETION_THRESHOLD, over the whole cycle */
  readonly threshold: number;
  /** the cycle's kind, recorded in the approval it holds */
  readonly cycle: CycleKind;
  /** when the cycle started: an open approval whose `expiresAt` is not after it has expired */
  readonly now: Date;
  /** a dry run plans and counts, but holds nothing and leaves the open approval alone */
  readonly dryRun: boolean;
}

export interface CyclePlan {
  /** every operation planned, but removals an approver rejected or the open approval still holds */
  readonly ops: readonly SyncOp[];
  /** what runs now */
  readonly apply: readonly SyncOp[];
  /** this cycle's removals, held because there are more than the threshold (the run's `held`) */
  readonly held: readonly RemovalOp[];
  /** the open approval and what becomes of it */
  readonly open: { readonly approval: Approval; readonly fate: OpenFate } | null;
  /** the approval to hold (without the run id): the removals still held and this cycle's, together */
  readonly hold: Omit<NativeBatch, "runId"> | null;
  /** escrowed users that left Entra or the scope with nothing left to do in ABM: out of the escrow */
  readonly departed: readonly string[];
}

/**
 * Step 2 of an incremental cycle, pure: the operations, the threshold over the whole cycle, and the
 * held approvals reconciled (`settleRemovals`; a full cycle settles its removals the same way once
 * its last slice is planned). Removals an approver rejected stay undone until a restart. An open
 * approval keeps its removals held (not planned, held or counted twice); it is replaced by a fresh
 * one holding the union when it expired unanswered (the batch stays held and is asked for again),
 * when some of its users no longer need removing (back in scope, enabled again: withdrawn), or when
 * this cycle holds removals of its own (one open approval at a time: withdrawn).
 */
export function planCycle(snapshot: Snapshot, options: PlanOptions): CyclePlan {
  const plan = planSync(syncInput(snapshot, options.policy));
  const settled = settleRemovals(plan.ops.filter(isRemoval), snapshot, snapshotView(snapshot), options);
  const ops = plan.ops.filter((op) => !(isRemoval(op) && settled.dropped.has(op)));
  const held = new Set<SyncOp>(settled.held);
  return {
    ops,
    apply: ops.filter((op) => !held.has(op)),
    held: settled.held,
    open: settled.open,
    hold: settled.hold,
    departed: departed(snapshot, plan.ops),
  };
}

/** What the cycle read about the users an open approval holds. */
export interface HeldUsersView {
  /** removed in Entra (this cycle's read) */
  removed(entraId: string): boolean;
  /** among the cycle's users in scope: whether enabled; undefined when it is not among them */
  enabled(entraId: string): boolean | undefined;
  /** in the sync scope (always true for scope `all`) */
  inScope(entraId: string): boolean;
}

/** A removal as planned (an operation) or as kept compactly (a held removal): what settling reads. */
export type RemovalRecord = HeldRemoval;

export interface SettledRemovals<T extends RemovalRecord> {
  /** this cycle's removals to run now */
  readonly apply: readonly T[];
  /** this cycle's removals held, because there are more than the threshold (the run's `held`) */
  readonly held: readonly T[];
  /** removals left out of the cycle: rejected by an approver, or still held by the open approval */
  readonly dropped: ReadonlySet<T>;
  readonly open: CyclePlan["open"];
  readonly hold: CyclePlan["hold"];
}

/**
 * The deletion threshold over a whole cycle, and the open approval reconciled (see planCycle):
 * `removals` are every removal the cycle planned, in any part of it.
 */
export function settleRemovals<T extends RemovalRecord>(
  removals: readonly T[],
  read: { readonly settings: ConnectionSettings; readonly open: OpenBatch | null },
  view: HeldUsersView,
  options: PlanOptions,
): SettledRemovals<T> {
  const open = reconcileOpen(read.open, view, options.now);
  const rejected = new Set(read.settings.rejectedRemovals);
  const dropped = new Set(removals.filter((r) => rejected.has(r.entraId) || open.stillHeld.has(r.entraId)));
  const kept = removals.filter((r) => !dropped.has(r));
  const exceeded = exceedsThreshold(kept.length, options.threshold);
  const held = exceeded ? kept : [];
  const supersede = !options.dryRun && (exceeded || open.replace);
  const holding = supersede ? [...open.stillHeld.values(), ...held.map(heldRemoval)] : [];
  const fate: OpenFate = !supersede ? "keep" : open.expired ? "expire" : "withdraw";
  return {
    apply: exceeded ? [] : kept,
    held,
    dropped,
    open: read.open === null ? null : { approval: read.open.approval, fate },
    hold:
      holding.length === 0
        ? null
        : {
            kind: "native_batch",
            cycle: options.cycle,
            scope: read.settings.scope,
            threshold: options.threshold,
            removals: holding,
          },
  };
}

/** What a dry run reports: the operations it would run, counted as done, and what it would hold. */
export function plannedCounts(plan: CyclePlan): RunCounts {
  const counts = { created: 0, adopted: 0, updated: 0, deactivated: 0, deleted: 0, skipped: 0, failed: 0, held: 0 };
  counts.held = plan.held.length;
  countPlanned(counts, plan.apply);
  return counts;
}

/** adds `ops` to `counts` as if each had succeeded */
export function countPlanned(counts: { -readonly [K in keyof RunCounts]: number }, ops: readonly SyncOp[]): void {
  for (const op of ops) counts[COUNTED[op.action]] += 1;
}

const COUNTED = {
  create: "created",
  adopt: "adopted",
  update: "updated",
  deactivate: "deactivated",
  delete: "deleted",
  skip: "skipped",
} as const;

function syncInput(snapshot: Snapshot, policy: SyncPolicy): PlanInput {
  const { leaving, gone } = snapshot;
  return {
    kind: "incremental",
    users: snapshot.planned,
    removals: [...snapshot.removals].map(([entraId, reason]) => ({ entraId, reason })),
    outOfScope: [...leaving].filter((id) => !gone.has(id)),
    gone: [...leaving].filter((id) => gone.has(id)),
    unconfirmed: snapshot.unconfirmed,
    links: snapshot.links,
    targetUsers: snapshot.targetUsers,
    policy,
  };
}

/** A snapshot's answers about the users an open approval holds. */
function snapshotView(snapshot: Snapshot): HeldUsersView {
  return {
    removed: (id) => snapshot.removals.has(id),
    enabled: (id) => {
      const user = snapshot.users.get(id);
      return user === undefined ? undefined : isEnabled(user);
    },
    inScope: (id) => snapshot.scopeIds === null || snapshot.scopeIds.has(id),
  };
}

/** The open approval's removals that still need doing, whether it expired, and whether it is replaced. */
function reconcileOpen(
  open: OpenBatch | null,
  view: HeldUsersView,
  now: Date,
): { stillHeld: ReadonlyMap<string, HeldRemoval>; expired: boolean; replace: boolean } {
  if (open === null) return { stillHeld: new Map(), expired: false, replace: false };
  /** a held removal is moot once its user is back in scope and enabled (Entra changed its mind) */
  const backInPlace = (r: HeldRemoval): boolean => {
    if (view.removed(r.entraId)) return false;
    const enabled = view.enabled(r.entraId);
    if (enabled !== undefined) return enabled;
    return r.cause === "out_of_scope" && view.inScope(r.entraId);
  };
  const stillHeld = open.batch.removals.filter((r) => !backInPlace(r));
  const expired = open.approval.expiresAt.getTime() <= now.getTime();
  return {
    stillHeld: new Map(stillHeld.map((r) => [r.entraId, r] as const)),
    expired,
    replace: expired || stillHeld.length < open.batch.removals.length,
  };
}

/** only the fields an approval stores (an operation carries more) */
export function heldRemoval(op: RemovalRecord): HeldRemoval {
  return {
    entraId: op.entraId,
    scimId: op.scimId,
    userName: op.userName,
    action: op.action,
    reason: op.reason,
    dedupKey: op.dedupKey,
    hash: op.hash,
    ...(op.cause === undefined ? {} : { cause: op.cause }),
  };
}

/** escrowed users without an operation that left (removed or leaving) */
function departed(snapshot: Snapshot, planned: readonly SyncOp[]): string[] {
  const settled = new Set(planned.map((op) => op.entraId));
  return snapshot.unconfirmed.filter(
    (id) => !settled.has(id) && (snapshot.removals.has(id) || snapshot.leaving.has(id)),
  );
}
