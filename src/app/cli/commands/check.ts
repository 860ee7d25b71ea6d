import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { userArg } from "./arg-specs.js";
import { answer, withApp } from "./engine-support.js";

/** `abm check <user>`.  */
export function createCheckCommand(access: AppAccess): CliCommand {
  return {
    name: "check",
    usage: "abm check <user>",
    summary: "Explain one user: in scope or not, validation problems, what would be sent to ABM, last result",
    args: [userArg],
    flags: [],
    run: (ctx) =>
      withApp(ctx, access, async (s) =>
        answer(
          ctx,
          s,
          await s.engine.checkUser(ctx.args.user ?? ""),
          (check) => ({ check }),
          `check ${ctx.args.user ?? ""}`,
        ),
      ),
  };
}
