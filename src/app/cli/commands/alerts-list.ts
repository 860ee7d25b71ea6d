import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { runCommand } from "./engine-support.js";

/** `abm alerts list`: where alerts and digests go (set from chat with `alerts here` / `digest`). */
export function createAlertsListCommand(access: AppAccess): CliCommand {
  return {
    name: "alerts list",
    usage: "abm alerts list",
    summary: "List the channels that receive alerts (with their kinds) and digests",
    args: [],
    flags: [],
    run: (ctx) => runCommand(ctx, access, { name: "alerts.list" }),
  };
}
