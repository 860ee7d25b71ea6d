import type { AppAccess } from "../app-access.js";
import { cliActor } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { answer, withApp } from "./engine-support.js";

/** `abm resume`.  */
export function createResumeCommand(access: AppAccess): CliCommand {
  return {
    name: "resume",
    usage: "abm resume",
    summary: "Resume the scheduled sync cycles",
    args: [],
    flags: [],
    run: (ctx) =>
      withApp(ctx, access, async (s) =>
        answer(
          ctx,
          s,
          await s.engine.resume(cliActor().actor),
          () => ({ paused: false }),
          () => "Scheduled cycles resumed.\n",
          { command: "resume", target: null },
        ),
      ),
  };
}
