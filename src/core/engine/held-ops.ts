import type { HeldRemoval } from "../approvals/approval.js";
import type { DeactivateOp, DeleteOp } from "../sync/operations.js";

/** Rebuilds the removal operations stored in an approval, to run them once it is granted. */
export function removalOps(removals: readonly HeldRemoval[]): (DeactivateOp | DeleteOp)[] {
  return removals.map((r) =>
    r.action === "delete"
      ? {
          action: "delete",
          entraId: r.entraId,
          userName: r.userName,
          reason: r.reason,
          dedupKey: r.dedupKey,
          scimId: r.scimId,
          cause: "hard_deleted",
          hash: r.hash,
        }
      : {
          action: "deactivate",
          entraId: r.entraId,
          userName: r.userName,
          reason: r.reason,
          dedupKey: r.dedupKey,
          scimId: r.scimId,
          cause: "out_of_scope",
          target: null,
          hash: r.hash,
        },
  );
}
