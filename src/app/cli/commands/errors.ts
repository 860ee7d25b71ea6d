import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { csvFlag, runWithCsv } from "./csv-export.js";

/** `abm errors [--csv FILE]`: like ABM's Download Logs, grouped by reason, with fixes. */
export function createErrorsCommand(access: AppAccess): CliCommand {
  return {
    name: "errors",
    usage: "abm errors [--csv FILE]",
    summary: "List users that fail to sync, why, and how to fix each",
    args: [],
    flags: [csvFlag],
    run: (ctx) => runWithCsv(ctx, access, (csv) => ({ name: "errors", csv })),
  };
}
