import type { Reply } from "#core/chat/reply.js";
import { renderReplyText } from "../render-text.js";

/**
 * An alert no chat channel receives, as text for the terminal (the demo, before `alerts here`):
 * the same title, reason, users and next step as the chat message; buttons become the commands
 * that do the same.
 */
export function terminalAlert(reply: Reply, approvalId: string | null): string {
  const body = renderReplyText({ ...reply, blocks: reply.blocks.filter((block) => block.type !== "actions") });
  const decide =
    approvalId === null
      ? []
      : [`Decide: npm run abm -- approve ${approvalId}    or    npm run abm -- reject ${approvalId}`, ""];
  return ["", `── alert (${reply.tone}) ${"─".repeat(50)}`, body.trimEnd(), ...decide, ""].join("\n");
}
