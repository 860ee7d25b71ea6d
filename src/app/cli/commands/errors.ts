import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { outcomeWithCsv } from "./csv-file.js";
import { ask, withApp } from "./engine-support.js";

/** `abm errors [--csv FILE]`: like ABM's Download Logs, grouped by reason, with fixes. */
export function createErrorsCommand(access: AppAccess): CliCommand {
  return {
    name: "errors",
    usage: "abm errors [--csv FILE]",
    summary: "List users that fail to sync, why, and how to fix each",
    args: [],
    flags: [{ name: "csv", kind: "string", valueName: "FILE", summary: "also write the list to FILE as CSV" }],
    run: (ctx) =>
      withApp(ctx, access, async (s) => {
        const csvPath = ctx.flags.string("csv");
        const answer = await ask(s, { name: "errors", csv: csvPath !== undefined });
        return outcomeWithCsv(ctx, answer, csvPath, answer.ok ? Number(answer.data.total) : 0);
      }),
  };
}
