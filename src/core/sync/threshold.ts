import type { HeldUser } from "../ports/provisioning-engine.js";
import { isRemoval, type RemovalOp, type SyncOp } from "./operations.js";

/**
 * Accidental-deletion protection, with Entra's semantics: threshold N holds a cycle's removals
 * (deactivations + deletions together) when there are MORE than N of them. N = 0 therefore holds
 * every removal; N = 500 (the default) lets 500 through and holds 501. When the threshold is
 * exceeded ALL removals of the cycle are held (not just the excess), everything else is applied.
 */
export interface ThresholdSplit {
  /** operations to run now (creates, adopts, updates, skips, and removals when not exceeded) */
  readonly apply: readonly SyncOp[];
  /** removals waiting for approval */
  readonly held: readonly RemovalOp[];
  /** the approval payload (kind `deletion_threshold`) */
  readonly heldUsers: readonly HeldUser[];
  readonly removals: number;
  readonly threshold: number;
  readonly exceeded: boolean;
}

export function exceedsThreshold(removals: number, threshold: number): boolean {
  if (!Number.isInteger(threshold) || threshold < 0) {
    throw new RangeError(`deletion threshold must be a non-negative integer, got ${threshold}`);
  }
  return removals > threshold;
}

export function splitByThreshold(ops: readonly SyncOp[], threshold: number): ThresholdSplit {
  const removalOps = ops.filter(isRemoval);
  const exceeded = exceedsThreshold(removalOps.length, threshold);
  if (!exceeded) return { apply: ops, held: [], heldUsers: [], removals: removalOps.length, threshold, exceeded };
  return {
    apply: ops.filter((op) => !isRemoval(op)),
    held: removalOps,
    heldUsers: removalOps.map(toHeldUser),
    removals: removalOps.length,
    threshold,
    exceeded,
  };
}

function toHeldUser(op: RemovalOp): HeldUser {
  return { entraId: op.entraId, userName: op.userName, action: op.action, reason: op.reason };
}
