import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { runCommand } from "./engine-support.js";

/** `abm status`.  */
export function createStatusCommand(access: AppAccess): CliCommand {
  return {
    name: "status",
    usage: "abm status",
    summary: "Show the sync state: engine, scope, last run, next run, failures, pending approvals",
    args: [],
    flags: [],
    run: (ctx) => runCommand(ctx, access, { name: "status" }),
  };
}
