import type { Approval, HeldRemoval } from "../approvals/approval.js";
import type { CycleKind, RunCounts } from "../ports/provisioning-engine.js";
import { isEnabled } from "../sync/mapping.js";
import { isRemoval, type RemovalOp, type SyncOp } from "../sync/operations.js";
import { type PlanInput, planSync, type SyncPolicy } from "../sync/planner.js";
import { splitByThreshold } from "../sync/threshold.js";
import type { NativeBatch, Snapshot } from "./read-changes.js";

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
 * Step 2 of a cycle, pure: the operations, the threshold over the whole cycle, and the held
 * approvals reconciled. Removals an approver rejected stay undone until a restart. An open approval
 * keeps its removals held (not planned, held or counted twice); it is replaced by a fresh one
 * holding the union when it expired unanswered (the batch stays held and is asked for again), when
 * some of its users no longer need removing (back in scope, enabled again: withdrawn), or when this
 * cycle holds removals of its own (one open approval at a time: withdrawn).
 */
export function planCycle(snapshot: Snapshot, options: PlanOptions): CyclePlan {
  const plan = planSync(syncInput(snapshot, options.policy));
  const open = reconcileOpen(snapshot, options.now);
  const rejected = new Set(snapshot.settings.rejectedRemovals);
  const ops = plan.ops.filter((op) => !(isRemoval(op) && (rejected.has(op.entraId) || open.stillHeld.has(op.entraId))));
  const split = splitByThreshold(ops, options.threshold);
  const supersede = !options.dryRun && (split.exceeded || open.replace);
  const removals = supersede ? [...open.stillHeld.values(), ...split.held.map(heldRemoval)] : [];
  const fate: OpenFate = !supersede ? "keep" : open.expired ? "expire" : "withdraw";
  return {
    ops,
    apply: split.apply,
    held: split.held,
    open: snapshot.open === null ? null : { approval: snapshot.open.approval, fate },
    hold:
      removals.length === 0
        ? null
        : {
            kind: "native_batch",
            cycle: options.cycle,
            scope: snapshot.settings.scope,
            threshold: options.threshold,
            removals,
          },
    departed: departed(snapshot, plan.ops),
  };
}

/** What a dry run reports: the operations it would run, counted as done, and what it would hold. */
export function plannedCounts(plan: CyclePlan): RunCounts {
  const counts = { created: 0, adopted: 0, updated: 0, deactivated: 0, deleted: 0, skipped: 0, failed: 0, held: 0 };
  counts.held = plan.held.length;
  for (const op of plan.apply) counts[COUNTED[op.action]] += 1;
  return counts;
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
    kind: snapshot.full ? "full" : "incremental",
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

/** The open approval's removals that still need doing, whether it expired, and whether it is replaced. */
function reconcileOpen(
  snapshot: Snapshot,
  now: Date,
): { stillHeld: ReadonlyMap<string, HeldRemoval>; expired: boolean; replace: boolean } {
  const { open } = snapshot;
  if (open === null) return { stillHeld: new Map(), expired: false, replace: false };
  /** a held removal is moot once its user is back in scope and enabled (Entra changed its mind) */
  const backInPlace = (r: HeldRemoval): boolean => {
    if (snapshot.removals.has(r.entraId)) return false;
    const user = snapshot.users.get(r.entraId);
    if (user !== undefined) return isEnabled(user);
    return r.cause === "out_of_scope" && (snapshot.scopeIds === null || snapshot.scopeIds.has(r.entraId));
  };
  const stillHeld = open.batch.removals.filter((r) => !backInPlace(r));
  const expired = open.approval.expiresAt.getTime() <= now.getTime();
  return {
    stillHeld: new Map(stillHeld.map((r) => [r.entraId, r] as const)),
    expired,
    replace: expired || stillHeld.length < open.batch.removals.length,
  };
}

function heldRemoval(op: RemovalOp): HeldRemoval {
  return {
    entraId: op.entraId,
    scimId: op.scimId,
    userName: op.userName,
    action: op.action,
    reason: op.reason,
    dedupKey: op.dedupKey,
    hash: op.hash,
    cause: op.cause,
  };
}

/** escrowed users without an operation that left (full: not in scope any more; else removed or leaving) */
function departed(snapshot: Snapshot, planned: readonly SyncOp[]): string[] {
  const settled = new Set(planned.map((op) => op.entraId));
  return snapshot.unconfirmed.filter(
    (id) =>
      !settled.has(id) &&
      (snapshot.full ? !snapshot.users.has(id) : snapshot.removals.has(id) || snapshot.leaving.has(id)),
  );
}
