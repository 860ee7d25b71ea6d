import { AppError } from "../errors.js";
import type { EngineKind } from "../ports/provisioning-engine.js";
import { err, ok, type Result } from "../result.js";
import type { Approval } from "./approval.js";
import type { ApprovalStore } from "./approval-store.js";

const HELD_BY: Readonly<Record<Approval["payload"]["kind"], EngineKind>> = {
  native_batch: "native",
  entra_quarantine: "entra",
};

/** `approval.wrong_engine`: the approval was held by the other engine (ABM_ENGINE changed since). */
export function heldByOtherEngine(approval: Approval, engine: EngineKind): AppError {
  return new AppError(
    "approval.wrong_engine",
    `Approval ${approval.id} was held by the ${HELD_BY[approval.payload.kind]} engine; the ${engine} engine cannot act on it.`,
  );
}

/**
 * The one claim before an engine executes a granted approval: approved → applied by compare-and-set,
 * so it runs once across racing callers and replicas. `undo` puts it back to approved when executing
 * failed, so approving again retries.
 */
export async function claimApproved(
  approvals: ApprovalStore,
  approval: Approval,
  now: () => Date,
): Promise<Result<{ readonly undo: () => Promise<boolean> }, AppError>> {
  if (!(await approvals.transition(approval.id, "approved", "applied", now()))) {
    return err(
      new AppError("approval.not_granted", `Approval ${approval.id} is not approved (or was already applied).`),
    );
  }
  return ok({ undo: () => approvals.transition(approval.id, "applied", "approved", now()) });
}
