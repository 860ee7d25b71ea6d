import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { runCommand } from "./engine-support.js";

/** `abm pause`.  */
export function createPauseCommand(access: AppAccess): CliCommand {
  return {
    name: "pause",
    usage: "abm pause",
    summary: "Pause the scheduled sync cycles",
    args: [],
    flags: [],
    run: (ctx) => runCommand(ctx, access, { name: "pause" }),
  };
}
