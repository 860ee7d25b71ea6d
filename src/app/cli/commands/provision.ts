import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { userArg } from "./arg-specs.js";
import { runCommand } from "./engine-support.js";

/** `abm provision <user>`.  */
export function createProvisionCommand(access: AppAccess): CliCommand {
  return {
    name: "provision",
    usage: "abm provision <user>",
    summary: "Provision one user into ABM now (provision on demand)",
    args: [userArg],
    flags: [],
    run: (ctx) => runCommand(ctx, access, { name: "provision", user: ctx.args.user ?? "" }),
  };
}
