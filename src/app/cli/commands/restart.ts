import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { runCommand } from "./engine-support.js";

/** `abm restart`.  */
export function createRestartCommand(access: AppAccess): CliCommand {
  return {
    name: "restart",
    usage: "abm restart",
    summary: "Restart the sync from scratch (clears watermarks; the next cycle is a full one)",
    args: [],
    flags: [],
    run: (ctx) => runCommand(ctx, access, { name: "restart", mode: "apply" }, { progress: true }),
  };
}
