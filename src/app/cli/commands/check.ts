import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { userArg } from "./arg-specs.js";
import { runCommand } from "./engine-support.js";

/** `abm check <user>`.  */
export function createCheckCommand(access: AppAccess): CliCommand {
  return {
    name: "check",
    usage: "abm check <user>",
    summary: "Explain one user: in scope or not, validation problems, what would be sent to ABM, last result",
    args: [userArg],
    flags: [],
    run: (ctx) => runCommand(ctx, access, { name: "check", user: ctx.args.user ?? "" }),
  };
}
