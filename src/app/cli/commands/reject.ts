import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { approvalIdArg } from "./arg-specs.js";
import { runCommand } from "./engine-support.js";

/** `abm reject <id>`.  */
export function createRejectCommand(access: AppAccess): CliCommand {
  return {
    name: "reject",
    usage: "abm reject <id>",
    summary: "Reject a held deletion batch (nothing is deleted)",
    args: [approvalIdArg],
    flags: [],
    run: (ctx) => runCommand(ctx, access, { name: "reject", approvalId: ctx.args.id ?? "" }),
  };
}
