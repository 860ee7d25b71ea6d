import { homeOverview } from "#core/chat/connection-router.js";
import { routedConnection } from "../../services.js";
import { type AppAccess, cliActor } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { ask, outcomeOf, withApp, withServices } from "./engine-support.js";

/** `abm home`: the home screen Slack and Teams show, as text; every organization unless --connection. */
export function createHomeCommand(access: AppAccess): CliCommand {
  return {
    name: "home",
    usage: "abm home",
    summary: "Show the home screen: state, counts, the last runs as a chart, failures by reason, held deletions",
    args: [],
    flags: [],
    run: (ctx) =>
      ctx.connection === null && ctx.config.connections.length > 1
        ? withServices(ctx, access, async (services) =>
            outcomeOf(
              ctx,
              await homeOverview(
                services.connections.map((c) => routedConnection(c, c.cliChat)),
                { actor: cliActor().chatActor, conversation: { platform: "cli", channelId: "cli" } },
              ),
            ),
          )
        : withApp(ctx, access, async (connection) => outcomeOf(ctx, await ask(connection, { name: "home" }))),
  };
}
