import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { userArg } from "./arg-specs.js";
import { runCommand } from "./engine-support.js";

/** `abm why <user>`: each step from Entra to ABM with its verdict. */
export function createWhyCommand(access: AppAccess): CliCommand {
  return {
    name: "why",
    usage: "abm why <user>",
    summary: "Why a user is (not) in ABM: Entra, enabled, scope, validity, link, last operation, ABM now",
    args: [userArg],
    flags: [],
    run: (ctx) => runCommand(ctx, access, { name: "why", user: ctx.args.user ?? "" }),
  };
}
