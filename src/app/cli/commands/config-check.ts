import type { Config } from "#config/config.js";
import { type RedactedConfig, type RedactedConnection, redactConfig } from "#config/redact-config.js";
import type { Clock } from "#core/clock.js";
import { organizationWords } from "#core/organization.js";
import { type CliCommand, success } from "../command.js";

const DAY_MS = 86_400_000;
const EXPIRY_WARNING_DAYS = 30;

/** `abm config check`: the effective configuration grouped by area, every secret redacted. */
export function createConfigCheckCommand(deps: { readonly clock: Clock }): CliCommand {
  return {
    name: "config check",
    usage: "abm config check",
    summary: "Validate the configuration and show it grouped by area, with every secret redacted",
    args: [],
    flags: [],
    run: async (ctx) => {
      const shown = redactConfig(ctx.config);
      const warnings = configWarnings(ctx.config, deps.clock.now());
      return success({ config: shown, warnings }, formatText(shown, warnings));
    },
  };
}

function configWarnings(config: Config, now: Date): string[] {
  const warnings: string[] = [];
  const several = config.connections.length > 1;
  for (const connection of config.connections) {
    const of = several ? `${connection.id}: ` : "";
    const expires = connection.scim.tokenExpiresAt;
    const apple = organizationWords(connection.organization);
    if (expires !== null) {
      const days = Math.floor((expires.getTime() - now.getTime()) / DAY_MS);
      if (days < 0) warnings.push(`${of}The ${apple.short} SCIM token has expired: create a new one in ${apple.name}.`);
      else if (days <= EXPIRY_WARNING_DAYS)
        warnings.push(`${of}The ${apple.short} SCIM token expires in ${days} days.`);
    }
    if (connection.roles.approvers.length === 0)
      warnings.push(`${of}No approvers (ABM_APPROVERS): held deletions cannot be approved.`);
    if (connection.roles.operators.length === 0)
      warnings.push(`${of}No operators (ABM_OPERATORS): chat users can only view.`);
  }
  if (!config.slack.enabled && !config.teams.enabled) warnings.push("Neither Slack nor Teams is configured.");
  return warnings;
}

function roles(group: RedactedConnection["roles"]["operators"]): string {
  if (group.total === 0) return "none";
  const parts = [
    [group.slackUsers, "Slack user"],
    [group.entraObjectIds, "Entra object id"],
    [group.emails, "e-mail"],
    [group.groups, "group"],
  ] as const;
  const detail = parts
    .filter(([count]) => count > 0)
    .map(([count, noun]) => `${count} ${noun}${count === 1 ? "" : "s"}`)
    .join(", ");
  return `${group.total} (${detail})`;
}

type Rows = [string, string][];

function connectionRows(c: RedactedConnection): Rows {
  return [
    ["Engine", c.engine],
    ["Scope", c.sync.scope],
    [
      "Sync",
      `every ${c.sync.interval}, ${c.sync.concurrency} requests in flight, deletion threshold ${c.sync.deletionThreshold}`,
    ],
    ["Domains", c.sync.verifiedDomains.length === 0 ? "no domain check" : c.sync.verifiedDomains.join(", ")],
    ["Attribute map", c.sync.attributeMapPath ?? "built-in"],
    ["SCIM", `${c.scim.url}, token ${c.scim.token}, expires ${c.scim.tokenExpiresAt ?? "not set"}`],
    [
      "Azure",
      `tenant ${c.azure.tenantId ?? "unset"}, client ${c.azure.clientId ?? "unset"}, secret ${c.azure.clientSecret}`,
    ],
    ["Graph", `${c.azure.graphBaseUrl}, authority ${c.azure.authorityHost}`],
    ["Service principal", c.azure.servicePrincipalId ?? "unset"],
    [
      "Apple Business API",
      c.apple.enabled
        ? `${c.apple.apiUrl}, client ${c.apple.clientId}, key ${c.apple.keyId} (${c.apple.privateKeyPath}), token ${c.apple.tokenUrl}`
        : "off (set APPLE_API_CLIENT_ID, APPLE_API_KEY_ID and APPLE_API_PRIVATE_KEY for reconcile)",
    ],
    [
      "Alert routes",
      c.alerts.routes.length === 0 ? "none (set from chat with `alerts here`)" : c.alerts.routes.join(", "),
    ],
    ["Digests at", `${c.alerts.digestAt} (weekly ones on Mondays; set per channel with \`digest daily|weekly\`)`],
    ["Viewers", c.roles.viewers.total === 0 ? "everyone in the workspace/tenant" : roles(c.roles.viewers)],
    ["Operators", roles(c.roles.operators)],
    [
      "Approvers",
      `${roles(c.roles.approvers)}; ${c.approvalsRequired} ${c.approvalsRequired === 1 ? "approval" : "approvals"} per held batch`,
    ],
  ];
}

function processRows(c: RedactedConfig): Rows {
  return [
    ["Mode", c.demo ? "demo: nothing of ABM/Azure is configured; `abm start` runs the demo" : "configured"],
    [
      "Connections",
      c.connectionsFile === null
        ? "one (default), from the environment"
        : `${c.connections.length}, from ${c.connectionsFile}`,
    ],
    ["Database", c.database.kind === "pglite" ? `pglite in ${c.database.pgliteDir}` : `postgres ${c.database.url}`],
    [
      "Slack",
      c.slack.enabled
        ? `on (${c.slack.mode} mode), bot token ${c.slack.botToken}, signing secret ${c.slack.signingSecret}, app token ${c.slack.appToken}`
        : "off",
    ],
    [
      "Teams",
      c.teams.anonymous
        ? "on, ANONYMOUS (TEAMS_ALLOW_ANONYMOUS: local clients on this machine only, no authentication)"
        : c.teams.enabled
          ? `on (${c.teams.appType}), app ${c.teams.appId}, password ${c.teams.appPassword}, tenant ${c.teams.tenantId ?? "unset"}`
          : "off",
    ],
    ["HTTP", `${c.host}:${c.port}`],
  ];
}

function formatText(c: RedactedConfig, warnings: readonly string[]): string {
  const all = [...processRows(c), ...c.connections.flatMap(connectionRows)];
  const width = Math.max(...all.map(([label]) => label.length));
  const lines = (rows: Rows): string[] => rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`);
  return [
    "Configuration is valid. Effective settings (secrets redacted):",
    ...lines(processRows(c)),
    ...c.connections.flatMap((connection) => [
      "",
      `Connection ${connection.id}: ${connection.name} (${organizationWords(connection.organization).name})`,
      ...lines(connectionRows(connection)),
    ]),
    ...(warnings.length > 0 ? ["", "Warnings:", ...warnings.map((warning) => `  - ${warning}`)] : []),
  ].join("\n");
}
