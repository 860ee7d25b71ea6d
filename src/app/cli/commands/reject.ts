import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { approvalIdArg } from "./arg-specs.js";
import { approvalDecision } from "./decide.js";
import { withApp } from "./engine-support.js";

/** `abm reject <id>`.  */
export function createRejectCommand(access: AppAccess): CliCommand {
  return {
    name: "reject",
    usage: "abm reject <id>",
    summary: "Reject a held deletion batch (nothing is deleted)",
    args: [approvalIdArg],
    flags: [],
    run: (ctx) => withApp(ctx, access, (s) => approvalDecision(s, "reject", ctx.args.id ?? "")),
  };
}
