import type { RunSummary } from "../../ports/provisioning-engine.js";
import { type Answer, type CommandContext, failedAnswer, succeeded } from "../context.js";
import { formatRun, linksBlock } from "../format.js";
import type { Reply } from "../reply.js";
import { listBlock } from "../reply.js";

/** The latest `limit` runs, newest first: every one of them in the data and in the reply. */
export async function historyCommand(ctx: CommandContext, limit: number): Promise<Answer> {
  const runs = await ctx.deps.engine.history(limit);
  if (!runs.ok) return failedAnswer("Reading the history", runs.error);
  return succeeded({ runs: runs.value }, [historyReply(ctx, runs.value, limit)]);
}

function historyReply(ctx: CommandContext, runs: readonly RunSummary[], limit: number): Reply {
  if (runs.length === 0) {
    return {
      fallbackText: "No sync runs yet",
      blocks: [{ type: "text", text: "No sync runs yet. Start one with `sync`." }],
      visibility: "private",
      tone: "info",
    };
  }
  return {
    fallbackText: `Last ${runs.length} sync runs`,
    blocks: [
      { type: "header", text: "Recent sync runs" },
      listBlock(runs.map(formatRun), limit),
      ...linksBlock(ctx.deps.config.links, ["activity", "entra"]),
    ],
    visibility: "private",
    tone: "info",
  };
}
