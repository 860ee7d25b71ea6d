import { redactDatabaseUrl } from "#config/redact-config.js";
import { organizationWords } from "#core/organization.js";
import { type CliCommand, failure } from "../command.js";
import { notConfigured, runServiceUntilStopped, type ServiceRunDeps } from "./run-service.js";

/** `abm serve`: the service with the configured Entra tenant and ABM organization. */
export function createServeCommand(deps: ServiceRunDeps): CliCommand {
  return {
    name: "serve",
    usage: "abm serve",
    summary: "Run the service: HTTP endpoints for Slack and Teams, the scheduler and alerts",
    args: [],
    flags: [],
    run: async (ctx) => {
      const { config } = ctx;
      if (config.demo) return notConfigured();
      const { targetsFromConfig } = await import("../../connection.js");
      const targets = targetsFromConfig(config);
      if (!targets.ok) return failure(targets.error);
      return runServiceUntilStopped(ctx, deps, config, targets.value, (service) => ({
        data: {
          url: service.url,
          connections: config.connections.map((c) => ({ id: c.id, engine: c.engine, scope: c.sync.scope })),
        },
        text: [
          `abm-chatops serving on ${service.url}.`,
          ...config.connections.map(
            (c) =>
              `Connection ${c.id} (${c.name}): ${organizationWords(c.organization).name}, engine ${c.engine}, scope ${c.sync.scope}.`,
          ),
          `Database: ${config.database.kind === "postgres" ? redactDatabaseUrl(config.database.url) : `PGlite in ${config.database.pgliteDir}`}`,
          `Slack: ${config.slack.enabled ? `on — POST ${service.url}/slack/events` : "off (set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET)"}`,
          `Teams: ${config.teams.anonymous ? `on, ANONYMOUS (local clients only) — POST ${service.url}/api/messages` : config.teams.enabled ? `on — POST ${service.url}/api/messages` : "off (set MICROSOFT_APP_ID and friends)"}`,
          `Health: ${service.url}/healthz  Ready: ${service.url}/readyz  Metrics: ${service.url}/metrics`,
          "Ctrl-C stops the service after the cycle in flight.",
        ].join("\n"),
      }));
    },
  };
}
