import type { AppAccess } from "../app-access.js";
import { cliActor } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { userArg } from "./arg-specs.js";
import { describeProvision } from "./describe.js";
import { answer, withApp } from "./engine-support.js";

/** `abm provision <user>`.  */
export function createProvisionCommand(access: AppAccess): CliCommand {
  return {
    name: "provision",
    usage: "abm provision <user>",
    summary: "Provision one user into ABM now (provision on demand)",
    args: [userArg],
    flags: [],
    run: (ctx) =>
      withApp(ctx, access, async (s) =>
        answer(
          ctx,
          s,
          await s.engine.provisionUser(ctx.args.user ?? "", cliActor().actor),
          (result) => ({ result }),
          describeProvision,
          { command: "provision", target: ctx.args.user ?? null },
        ),
      ),
  };
}
