import type { AppAccess } from "../app-access.js";
import { cliActor } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { describeRun } from "./describe.js";
import { answer, withApp } from "./engine-support.js";

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
      withApp(
        ctx,
        access,
        async (s) =>
          answer(
            ctx,
            s,
            await s.engine.runCycle({
              kind: ctx.flags.boolean("full") ? "full" : "incremental",
              trigger: "cli",
              actor: cliActor().actor,
              dryRun: ctx.flags.boolean("dry-run"),
            }),
            (run) => ({ run, dryRun: ctx.flags.boolean("dry-run") }),
            (run) => describeRun(run, ctx.flags.boolean("dry-run")),
            ctx.flags.boolean("dry-run")
              ? undefined
              : { command: ctx.flags.boolean("full") ? "sync --full" : "sync", target: null },
          ),
        { progress: true },
      ),
  };
}
