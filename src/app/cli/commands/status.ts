import { overview } from "#core/chat/connection-router.js";
import { routedConnection } from "../../services.js";
import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { ask, outcomeOf, withApp, withServices } from "./engine-support.js";

/** `abm status`: one organization's state, or with several and no --connection one line per organization. */
export function createStatusCommand(access: AppAccess): CliCommand {
  return {
    name: "status",
    usage: "abm status",
    summary: "Show the sync state: engine, scope, last run, next run, failures, pending approvals",
    args: [],
    flags: [],
    run: (ctx) =>
      ctx.connection === null && ctx.config.connections.length > 1
        ? withServices(ctx, access, async (services) =>
            outcomeOf(ctx, await overview(services.connections.map((c) => routedConnection(c, c.cliChat)))),
          )
        : withApp(ctx, access, async (connection) => outcomeOf(ctx, await ask(connection, { name: "status" }))),
  };
}
