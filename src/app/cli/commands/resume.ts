import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { runCommand } from "./engine-support.js";

/** `abm resume`.  */
export function createResumeCommand(access: AppAccess): CliCommand {
  return {
    name: "resume",
    usage: "abm resume",
    summary: "Resume the scheduled sync cycles",
    args: [],
    flags: [],
    run: (ctx) => runCommand(ctx, access, { name: "resume" }),
  };
}
