import type { AppAccess } from "../app-access.js";
import { cliActor } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { describeRun, describeScopePreview } from "./describe.js";
import { answer, withApp } from "./engine-support.js";

/** `abm scope <all|assigned> [--dry-run]`.  */
export function createScopeCommand(access: AppAccess): CliCommand {
  return {
    name: "scope",
    usage: "abm scope <all|assigned> [--dry-run]",
    summary: "Change the sync scope: all users, or only users and groups assigned to the ABM app",
    args: [{ name: "scope", summary: "which users are synced", required: true, choices: ["all", "assigned"] }],
    flags: [{ name: "dry-run", kind: "boolean", summary: "show who would enter and leave the scope, change nothing" }],
    run: (ctx) =>
      withApp(
        ctx,
        access,
        async (s) => {
          const scope = ctx.args.scope === "all" ? "all" : "assigned";
          if (ctx.flags.boolean("dry-run")) {
            return answer(ctx, s, await s.engine.previewScope(scope), (preview) => ({ preview }), describeScopePreview);
          }
          return answer(
            ctx,
            s,
            await s.engine.setScope(scope, cliActor().actor),
            (run) => ({ scope, run }),
            describeRun,
            { command: "scope", target: scope },
          );
        },
        { progress: true },
      ),
  };
}
