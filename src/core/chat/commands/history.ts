import { type CommandContext, errorReply } from "../context.js";
import { formatRun, linksBlock } from "../format.js";
import type { Reply } from "../reply.js";
import { listBlock } from "../reply.js";

const HISTORY_LIMIT = 10;

export async function historyCommand(ctx: CommandContext): Promise<Reply> {
  const runs = await ctx.deps.engine.history(HISTORY_LIMIT);
  if (!runs.ok) return errorReply("Reading the history", runs.error);
  if (runs.value.length === 0) {
    return {
      fallbackText: "No sync runs yet",
      blocks: [{ type: "text", text: "No sync runs yet. Start one with `sync`." }],
      visibility: "private",
      tone: "info",
    };
  }
  return {
    fallbackText: `Last ${runs.value.length} sync runs`,
    blocks: [
      { type: "header", text: "Recent sync runs" },
      listBlock(runs.value.map(formatRun), HISTORY_LIMIT),
      ...linksBlock(ctx.deps.config.links, ["activity", "entra"]),
    ],
    visibility: "private",
    tone: "info",
  };
}
