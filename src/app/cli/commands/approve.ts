import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { approvalIdArg } from "./arg-specs.js";
import { runCommand } from "./engine-support.js";

/** `abm approve <id>`.  */
export function createApproveCommand(access: AppAccess): CliCommand {
  return {
    name: "approve",
    usage: "abm approve <id>",
    summary: "Approve a held deletion batch (it runs once, whoever clicks first)",
    args: [approvalIdArg],
    flags: [],
    run: (ctx) => runCommand(ctx, access, { name: "approve", approvalId: ctx.args.id ?? "" }),
  };
}
