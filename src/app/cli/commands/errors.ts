import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { withApp } from "./engine-support.js";
import { errorsOutcome } from "./errors-report.js";

/** `abm errors [--csv FILE]`.  */
export function createErrorsCommand(access: AppAccess): CliCommand {
  return {
    name: "errors",
    usage: "abm errors [--csv FILE]",
    summary: "List users that fail to sync, why, and how to fix each",
    args: [],
    flags: [{ name: "csv", kind: "string", valueName: "FILE", summary: "also write the list to FILE as CSV" }],
    run: (ctx) => withApp(ctx, access, (s) => errorsOutcome(ctx, s)),
  };
}
