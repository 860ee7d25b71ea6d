import type { Config } from "#config/config.js";
import { type RedactedConfig, redactConfig } from "#config/redact-config.js";
import type { Clock } from "#core/clock.js";
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
  const expires = config.scim.tokenExpiresAt;
  if (expires !== null) {
    const days = Math.floor((expires.getTime() - now.getTime()) / DAY_MS);
    if (days < 0) warnings.push("The ABM SCIM token has expired: create a new one in ABM and set ABM_SCIM_TOKEN.");
    else if (days <= EXPIRY_WARNING_DAYS) warnings.push(`The ABM SCIM token expires in ${days} days.`);
  }
  if (config.roles.approvers.length === 0)
    warnings.push("No approvers (ABM_APPROVERS): held deletions cannot be approved.");
  if (config.roles.operators.length === 0) warnings.push("No operators (ABM_OPERATORS): chat users can only view.");
  if (!config.slack.enabled && !config.teams.enabled) warnings.push("Neither Slack nor Teams is configured.");
  return warnings;
}

function roles(group: RedactedConfig["roles"]["operators"]): string {
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

function formatText(c: RedactedConfig, warnings: readonly string[]): string {
  const rows: [string, string][] = [
    ["Mode", c.demo ? "demo: nothing of ABM/Azure is configured; `abm start` runs the demo" : "configured"],
    ["Engine", c.engine],
    ["Scope", c.sync.scope],
    [
      "Sync",
      `every ${c.sync.interval}, ${c.sync.concurrency} requests in flight, deletion threshold ${c.sync.deletionThreshold}`,
    ],
    ["Domains", c.sync.verifiedDomains.length === 0 ? "no domain check" : c.sync.verifiedDomains.join(", ")],
    ["Attribute map", c.sync.attributeMapPath ?? "built-in"],
    ["ABM SCIM", `${c.scim.url}, token ${c.scim.token}, expires ${c.scim.tokenExpiresAt ?? "not set"}`],
    [
      "Azure",
      `tenant ${c.azure.tenantId ?? "unset"}, client ${c.azure.clientId ?? "unset"}, secret ${c.azure.clientSecret}`,
    ],
    ["Graph", `${c.azure.graphBaseUrl}, authority ${c.azure.authorityHost}`],
    ["Service principal", c.azure.servicePrincipalId ?? "unset"],
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
    [
      "Alert routes",
      c.alerts.routes.length === 0 ? "none (set from chat with `alerts here`)" : c.alerts.routes.join(", "),
    ],
    ["Viewers", c.roles.viewers.total === 0 ? "everyone in the workspace/tenant" : roles(c.roles.viewers)],
    ["Operators", roles(c.roles.operators)],
    [
      "Approvers",
      `${roles(c.roles.approvers)}; ${c.approvalsRequired} ${c.approvalsRequired === 1 ? "approval" : "approvals"} per held batch`,
    ],
    ["HTTP", `${c.host}:${c.port}`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return [
    "Configuration is valid. Effective settings (secrets redacted):",
    ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`),
    ...(warnings.length > 0 ? ["", "Warnings:", ...warnings.map((warning) => `  - ${warning}`)] : []),
  ].join("\n");
}
