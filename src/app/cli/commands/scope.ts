import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { runCommand } from "./engine-support.js";

/** `abm scope <all|assigned> [--dry-run]`.  */
export function createScopeCommand(access: AppAccess): CliCommand {
  return {
    name: "scope",
    usage: "abm scope <all|assigned> [--dry-run]",
    summary: "Change the sync scope: all users, or only users and groups assigned to the ABM app",
    args: [{ name: "scope", summary: "which users are synced", required: true, choices: ["all", "assigned"] }],
    flags: [{ name: "dry-run", kind: "boolean", summary: "show who would enter and leave the scope, change nothing" }],
    run: (ctx) =>
      runCommand(
        ctx,
        access,
        {
          name: "scope",
          scope: ctx.args.scope === "all" ? "all" : "assigned",
          mode: ctx.flags.boolean("dry-run") ? "preview" : "apply",
        },
        { progress: true },
      ),
  };
}
