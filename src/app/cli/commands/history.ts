import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { answer, withApp } from "./engine-support.js";

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
    run: (ctx) =>
      withApp(ctx, access, async (s) =>
        answer(ctx, s, await s.engine.history(ctx.flags.integer("limit") ?? 20), (runs) => ({ runs }), "history"),
      ),
  };
}
