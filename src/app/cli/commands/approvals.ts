import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { runCommand } from "./engine-support.js";

/** `abm approvals`.  */
export function createApprovalsCommand(access: AppAccess): CliCommand {
  return {
    name: "approvals",
    usage: "abm approvals",
    summary: "List deletion batches held for approval",
    args: [],
    flags: [],
    run: (ctx) => runCommand(ctx, access, { name: "approvals" }),
  };
}
