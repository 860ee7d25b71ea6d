import type { RoleEntry } from "#core/chat/roles.js";
import type { Config } from "./config.js";
import { formatDuration } from "./parse-duration.js";

export const REDACTED = "[redacted]";

/** How a secret is displayed: `[redacted]` when set, `unset` otherwise. Never the value. */
export type SecretDisplay = typeof REDACTED | "unset";

function secret(value: string | null): SecretDisplay {
  return value === null ? "unset" : REDACTED;
}

const SENSITIVE_PARAM = /pass|secret|token|key/i;

/** `postgres://abm:[redacted]@db:5432/abm`: the password (and any secret-like query value) hidden. */
export function redactDatabaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return REDACTED;
  }
  if (parsed.password !== "") parsed.password = "REDACTED";
  for (const key of [...parsed.searchParams.keys()]) {
    if (SENSITIVE_PARAM.test(key)) parsed.searchParams.set(key, "REDACTED");
  }
  return parsed.href.replaceAll("REDACTED", REDACTED);
}

function countRoles(entries: readonly RoleEntry[]) {
  const count = (kind: RoleEntry["kind"]): number => entries.filter((entry) => entry.kind === kind).length;
  return {
    total: entries.length,
    slackUsers: count("slackUser"),
    entraObjectIds: count("entraObjectId"),
    emails: count("email"),
    groups: count("group"),
    entries: entries.map((entry) => (entry.kind === "group" ? `group:${entry.value}` : entry.value)),
  };
}

/**
 * The effective configuration for display (`abm config check`, logs at start-up): grouped like
 * Config, JSON-safe, with every secret replaced by `[redacted]` / `unset`.
 */
export function redactConfig(config: Config) {
  return {
    mode: config.demo ? ("demo" as const) : ("configured" as const),
    demo: config.demo,
    engine: config.engine,
    database: {
      kind: config.database.kind,
      url: config.database.url === null ? null : redactDatabaseUrl(config.database.url),
      dataDir: config.database.dataDir,
      pgliteDir: config.database.pgliteDir,
    },
    scim: {
      url: config.scim.url,
      token: secret(config.scim.token),
      tokenExpiresAt: config.scim.tokenExpiresAt?.toISOString() ?? null,
    },
    azure: {
      tenantId: config.azure.tenantId,
      clientId: config.azure.clientId,
      clientSecret: secret(config.azure.clientSecret),
      authorityHost: config.azure.authorityHost,
      graphBaseUrl: config.azure.graphBaseUrl,
      servicePrincipalId: config.azure.servicePrincipalId,
    },
    sync: {
      scope: config.sync.scope,
      concurrency: config.sync.concurrency,
      interval: formatDuration(config.sync.intervalMs),
      intervalMs: config.sync.intervalMs,
      deletionThreshold: config.sync.deletionThreshold,
      verifiedDomains: config.sync.verifiedDomains,
      attributeMapPath: config.sync.attributeMapPath,
    },
    slack: {
      enabled: config.slack.enabled,
      mode: !config.slack.enabled ? "off" : config.slack.appToken === null ? "http" : "socket",
      botToken: secret(config.slack.botToken),
      signingSecret: secret(config.slack.signingSecret),
      appToken: secret(config.slack.appToken),
      apiUrl: config.slack.apiUrl,
    },
    teams: {
      enabled: config.teams.enabled,
      anonymous: config.teams.anonymous,
      appId: config.teams.appId,
      appPassword: secret(config.teams.appPassword),
      tenantId: config.teams.tenantId,
      appType: config.teams.appType,
    },
    alerts: { routes: config.alerts.routes.map((route) => `${route.platform}:${route.channel}`) },
    roles: {
      viewers: countRoles(config.roles.viewers),
      operators: countRoles(config.roles.operators),
      approvers: countRoles(config.roles.approvers),
    },
    approvalsRequired: config.approvalsRequired,
    host: config.host,
    logFormat: config.logFormat ?? "auto",
    port: config.port,
  };
}

export type RedactedConfig = ReturnType<typeof redactConfig>;
