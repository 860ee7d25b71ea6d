import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { approvalIdArg } from "./arg-specs.js";
import { approvalDecision } from "./decide.js";
import { withApp } from "./engine-support.js";

/** `abm approve <id>`.  */
export function createApproveCommand(access: AppAccess): CliCommand {
  return {
    name: "approve",
    usage: "abm approve <id>",
    summary: "Approve a held deletion batch (it runs once, whoever clicks first)",
    args: [approvalIdArg],
    flags: [],
    run: (ctx) => withApp(ctx, access, (s) => approvalDecision(s, "approve", ctx.args.id ?? "")),
  };
}
