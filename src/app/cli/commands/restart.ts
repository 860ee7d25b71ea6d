import type { AppAccess } from "../app-access.js";
import { cliActor } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { describeRun } from "./describe.js";
import { answer, withApp } from "./engine-support.js";

/** `abm restart`.  */
export function createRestartCommand(access: AppAccess): CliCommand {
  return {
    name: "restart",
    usage: "abm restart",
    summary: "Restart the sync from scratch (clears watermarks; the next cycle is a full one)",
    args: [],
    flags: [],
    run: (ctx) =>
      withApp(
        ctx,
        access,
        async (s) =>
          answer(ctx, s, await s.engine.restart(cliActor().actor, "cli"), (run) => ({ run }), describeRun, {
            command: "restart",
            target: null,
          }),
        { progress: true },
      ),
  };
}
