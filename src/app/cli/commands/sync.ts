import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { runCommand } from "./engine-support.js";

/** `abm sync [--full] [--dry-run]`.  */
export function createSyncCommand(access: AppAccess): CliCommand {
  return {
    name: "sync",
    usage: "abm sync [--full] [--dry-run]",
    summary: "Run a sync cycle now (incremental unless --full); --dry-run shows the plan only",
    args: [],
    flags: [
      { name: "full", kind: "boolean", summary: "full cycle over every user in scope, not only changes" },
      { name: "dry-run", kind: "boolean", summary: "show what would change, change nothing" },
    ],
    run: (ctx) =>
      runCommand(
        ctx,
        access,
        { name: "sync", full: ctx.flags.boolean("full"), dryRun: ctx.flags.boolean("dry-run") },
        { progress: true },
      ),
  };
}
