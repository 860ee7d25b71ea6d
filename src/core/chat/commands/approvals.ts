import { type Approval, approvalData } from "../../approvals/approval.js";
import { renderApprovalMessage } from "../approval-message.js";
import { decideApproval, refreshHeld } from "../approvals.js";
import { type Answer, type CommandContext, succeeded, textReply } from "../context.js";
import type { Reply } from "../reply.js";

/** How many recent approvals are looked at for open ones. */
const RECENT = 20;

/** Still waiting for something: votes, or a retry of a failed execution. */
function isOpen(approval: Approval): boolean {
  return approval.status === "pending" || approval.status === "approved";
}

/**
 * `approvals`: the open approvals from the one store, each as its approval message (with buttons
 * while pending). Every id shown here is one `approve`/`reject` accepts.
 */
export async function approvalsCommand(ctx: CommandContext): Promise<Answer> {
  await refreshHeld(ctx);
  const now = ctx.deps.clock.now();
  const open = (await ctx.deps.approvals.list(RECENT)).filter(isOpen);
  const data = { approvals: open.map((a) => approvalData(a, now)) };
  if (open.length === 0)
    return succeeded(data, [textReply("No deletion batch is waiting for approval.", "success", "private")]);
  const replies: Reply[] = open.map((a) => ({
    ...renderApprovalMessage(a, now, ctx.deps.config.links),
    visibility: "private",
  }));
  return succeeded(data, replies);
}

/** Typed `approve <id>` / `reject <id>`: the same checks as the buttons; a decision is echoed to the channel. */
export async function decideCommand(
  ctx: CommandContext,
  approvalId: string,
  decision: "approve" | "reject",
): Promise<Answer> {
  const { answer, updated } = await decideApproval(ctx, approvalId, decision);
  // a decision (no private note) shows everyone the approval as it now stands
  if (!answer.ok || updated === null || answer.replies.length > 0) return answer;
  return { ...answer, replies: [updated] };
}
