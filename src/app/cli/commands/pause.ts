import type { AppAccess } from "../app-access.js";
import { cliActor } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { answer, withApp } from "./engine-support.js";

/** `abm pause`.  */
export function createPauseCommand(access: AppAccess): CliCommand {
  return {
    name: "pause",
    usage: "abm pause",
    summary: "Pause the scheduled sync cycles",
    args: [],
    flags: [],
    run: (ctx) =>
      withApp(ctx, access, async (s) =>
        answer(
          ctx,
          s,
          await s.engine.pause(cliActor().actor),
          () => ({ paused: true }),
          () => "Scheduled cycles are paused. `abm resume` starts them again; nothing is lost meanwhile.\n",
          { command: "pause", target: null },
        ),
      ),
  };
}
