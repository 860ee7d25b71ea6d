import type { RoleEntry } from "#core/chat/roles.js";
import type { Config, ConnectionConfig } from "./config.js";
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

/** One connection for display: its organization, engine, sync settings and roles, secrets redacted. */
function redactConnection(connection: ConnectionConfig) {
  const { scim, azure, sync } = connection;
  return {
    id: connection.id,
    name: connection.name,
    organization: connection.organization,
    engine: connection.engine,
    scim: {
      url: scim.url,
      token: secret(scim.token),
      tokenExpiresAt: scim.tokenExpiresAt?.toISOString() ?? null,
      nextToken: secret(scim.nextToken),
      nextTokenExpiresAt: scim.nextTokenExpiresAt?.toISOString() ?? null,
    },
    azure: {
      tenantId: azure.tenantId,
      clientId: azure.clientId,
      clientSecret: secret(azure.clientSecret),
      authorityHost: azure.authorityHost,
      graphBaseUrl: azure.graphBaseUrl,
      servicePrincipalId: azure.servicePrincipalId,
    },
    sync: {
      scope: sync.scope,
      concurrency: sync.concurrency,
      interval: formatDuration(sync.intervalMs),
      intervalMs: sync.intervalMs,
      deletionThreshold: sync.deletionThreshold,
      verifiedDomains: sync.verifiedDomains,
      attributeMapPath: sync.attributeMapPath,
    },
    alerts: {
      routes: connection.alerts.routes.map((route) => `${route.platform}:${route.channel}`),
      digestAt: `${String(connection.alerts.digestAt.hour).padStart(2, "0")}:${String(connection.alerts.digestAt.minute).padStart(2, "0")} ${connection.alerts.digestAt.timeZone}`,
    },
    roles: {
      viewers: countRoles(connection.roles.viewers),
      operators: countRoles(connection.roles.operators),
      approvers: countRoles(connection.roles.approvers),
    },
    approvalsRequired: connection.approvalsRequired,
    // the key file's path is shown, never its content
    apple:
      connection.apple === null
        ? { enabled: false as const }
        : {
            enabled: true as const,
            clientId: connection.apple.clientId,
            keyId: connection.apple.keyId,
            privateKeyPath: connection.apple.privateKeyPath,
            apiUrl: connection.apple.apiUrl,
            tokenUrl: connection.apple.tokenUrl,
          },
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
    database: {
      kind: config.database.kind,
      url: config.database.url === null ? null : redactDatabaseUrl(config.database.url),
      dataDir: config.database.dataDir,
      pgliteDir: config.database.pgliteDir,
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
    connectionsFile: config.connectionsFile,
    connections: config.connections.map(redactConnection),
    host: config.host,
    logFormat: config.logFormat ?? "auto",
    port: config.port,
    publicUrl: config.publicUrl,
  };
}

export type RedactedConfig = ReturnType<typeof redactConfig>;
export type RedactedConnection = ReturnType<typeof redactConnection>;
