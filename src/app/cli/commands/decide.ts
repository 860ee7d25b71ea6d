import { AppError } from "#core/errors.js";
import type { AppServices } from "../../services.js";
import { type CommandOutcome, failure, success } from "../command.js";
import { chatText } from "./engine-support.js";

/**
 * `abm approve|reject <id>` goes through the chat core like a button click: the same quorum
 * (ABM_APPROVALS_REQUIRED), the same compare-and-set, the same audit; the local user counts as one approver.
 */
export async function approvalDecision(
  services: AppServices,
  decision: "approve" | "reject",
  id: string,
): Promise<CommandOutcome> {
  const before = await services.repos.approvals.get(id);
  if (!before.ok) return failure(before.error);
  if (before.value === null || before.value.connectionId !== services.connectionId) {
    return failure(new AppError("cli.approval_not_found", `No approval ${id}. \`abm approvals\` lists the open ones.`));
  }
  const text = await chatText(services, `${decision} ${id}`);
  const after = await services.repos.approvals.get(id);
  if (!after.ok) return failure(after.error);
  const approval = after.value;
  if (approval === null) return failure(new AppError("cli.approval_not_found", `Approval ${id} disappeared.`));
  const data = {
    approvalId: id,
    decision,
    status: approval.status,
    decisions: approval.decisions.map((d) => ({ actor: d.actorName || d.actorId, decision: d.decision, at: d.at })),
    requiredApprovals: approval.requiredApprovals,
    result: approval.result,
  };
  if (approval.status === "expired") {
    return failure(
      new AppError(
        "cli.approval_expired",
        `Approval ${id} expired; its batch stays held. Restart the sync or fix the scope.`,
      ),
    );
  }
  return success(data, text);
}
