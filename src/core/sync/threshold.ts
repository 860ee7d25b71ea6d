/**
 * Accidental-deletion protection, with Entra's semantics: threshold N holds a cycle's removals
 * (deactivations + deletions together) when there are MORE than N of them. N = 0 therefore holds
 * every removal; N = 500 (the default) lets 500 through and holds 501. When the threshold is
 * exceeded ALL removals of the cycle are held (not just the excess), everything else is applied
 * (the engine's `settleRemovals`).
 */
export function exceedsThreshold(removals: number, threshold: number): boolean {
  if (!Number.isInteger(threshold) || threshold < 0) {
    throw new RangeError(`deletion threshold must be a non-negative integer, got ${threshold}`);
  }
  return removals > threshold;
}
