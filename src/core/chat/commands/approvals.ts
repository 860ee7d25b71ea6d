import { approvalFromPending, renderApprovalMessage } from "../approval-message.js";
import { decideApproval } from "../approvals.js";
import { type CommandContext, errorReply, textReply } from "../context.js";
import type { Reply } from "../reply.js";

/** `approvals`: the held batch (if any) as its approval message, with buttons while pending. */
export async function approvalsCommand(ctx: CommandContext): Promise<Reply> {
  const pending = await ctx.deps.engine.pendingDeletions();
  if (!pending.ok) return errorReply("Reading pending deletions", pending.error);
  if (pending.value === null) return textReply("No deletion batch is waiting for approval.", "success", "private");
  const opened = await ctx.deps.approvals.open(approvalFromPending(pending.value, ctx.deps.config.approvalsRequired));
  if (!opened.ok) return errorReply("Loading the approval", opened.error);
  return { ...renderApprovalMessage(opened.value, ctx.deps.clock.now(), ctx.deps.config.links), visibility: "private" };
}

/** Typed `approve <id>` / `reject <id>`: same checks as the buttons; the updated message is echoed. */
export async function decideCommand(
  ctx: CommandContext,
  approvalId: string,
  decision: "approve" | "reject",
): Promise<Reply[]> {
  const outcome = await decideApproval(ctx, approvalId, decision);
  const echo = outcome.updated !== null && outcome.replies.length === 0 ? [outcome.updated] : [];
  return [...outcome.replies, ...echo];
}
