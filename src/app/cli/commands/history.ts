import { HISTORY_DEFAULT } from "#core/chat/grammar.js";
import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { runCommand } from "./engine-support.js";

/** `abm history [--limit N]`.  */
export function createHistoryCommand(access: AppAccess): CliCommand {
  return {
    name: "history",
    usage: "abm history [--limit N]",
    summary: "Show the latest sync runs with their counts and outcome",
    args: [],
    flags: [
      { name: "limit", kind: "integer", valueName: "N", min: 1, max: 1000, summary: "how many runs (default 20)" },
    ],
    run: (ctx) => runCommand(ctx, access, { name: "history", limit: ctx.flags.integer("limit") ?? HISTORY_DEFAULT }),
  };
}
