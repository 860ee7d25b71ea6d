import { join } from "node:path";
import { err, ok, type Result } from "#core/result.js";
import type { Config, DatabaseConfig, SlackConfig, TeamsConfig } from "./config.js";
import { ConfigError, type ConfigProblem } from "./config-error.js";
import { crossVariableProblems, isDemo } from "./config-rules.js";
import { CONFIG_VARIABLES, envSchema, type ParsedEnv } from "./env-schema.js";

const DEFAULTS = {
  dataDir: "./.data",
  scimUrl: "https://federation.apple.com/feeds/business/scim",
  authorityHost: "https://login.microsoftonline.com",
  graphBaseUrl: "https://graph.microsoft.com",
  slackApiUrl: "https://slack.com/api/",
  concurrency: 8,
  intervalMs: 40 * 60_000,
  deletionThreshold: 500,
  approvalsRequired: 1,
  host: "127.0.0.1",
  port: 3978,
} as const;

/**
 * The only reader of the environment (the CLI passes `process.env`). Returns a frozen, grouped
 * Config, or ONE ConfigError (`config.invalid`) listing every bad variable with why and how to fix.
 * Pure: reads no files and no process state.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Result<Config, ConfigError> {
  const parsed = envSchema.safeParse(pick(env));
  const problems: ConfigProblem[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? "environment");
      const params = "params" in issue ? issue.params : undefined;
      const fix = typeof params?.fix === "string" ? params.fix : "correct the value";
      problems.push({ variable, reason: issue.message, fix });
    }
  }
  problems.push(...crossVariableProblems(env));
  if (!parsed.success || problems.length > 0) return err(new ConfigError(sortByVariable(problems)));
  return ok(deepFreeze(build(parsed.data, isDemo(env))));
}

/** Only our variables go through the schema, so nothing else of the environment is ever touched. */
function pick(env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const name of CONFIG_VARIABLES) out[name] = env[name];
  return out;
}

function sortByVariable(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const order = (name: string): number => {
    const index = (CONFIG_VARIABLES as readonly string[]).indexOf(name);
    return index < 0 ? CONFIG_VARIABLES.length : index;
  };
  return [...problems].sort((a, b) => order(a.variable) - order(b.variable));
}

function build(env: ParsedEnv, demo: boolean): Config {
  const dataDir = env.ABM_DATA_DIR ?? DEFAULTS.dataDir;
  const database: DatabaseConfig =
    env.DATABASE_URL === undefined
      ? { kind: "pglite", url: null, dataDir, pgliteDir: join(dataDir, "pglite") }
      : { kind: "postgres", url: env.DATABASE_URL, dataDir, pgliteDir: null };
  const slackApiUrl = env.SLACK_API_URL === undefined ? DEFAULTS.slackApiUrl : `${env.SLACK_API_URL}/`;
  const slack: SlackConfig =
    env.SLACK_BOT_TOKEN !== undefined && env.SLACK_SIGNING_SECRET !== undefined
      ? {
          enabled: true,
          botToken: env.SLACK_BOT_TOKEN,
          signingSecret: env.SLACK_SIGNING_SECRET,
          appToken: env.SLACK_APP_TOKEN ?? null,
          apiUrl: slackApiUrl,
        }
      : { enabled: false, botToken: null, signingSecret: null, appToken: null, apiUrl: slackApiUrl };
  const appType = env.MICROSOFT_APP_TYPE ?? "SingleTenant";
  const teams: TeamsConfig =
    env.MICROSOFT_APP_ID === undefined
      ? env.TEAMS_ALLOW_ANONYMOUS === true
        ? { enabled: true, anonymous: true, appId: null, appPassword: null, tenantId: null, appType }
        : { enabled: false, anonymous: false, appId: null, appPassword: null, tenantId: null, appType }
      : {
          enabled: true,
          anonymous: false,
          appId: env.MICROSOFT_APP_ID,
          appPassword: env.MICROSOFT_APP_PASSWORD ?? null,
          tenantId: env.MICROSOFT_APP_TENANT_ID ?? null,
          appType,
        };
  return {
    demo,
    engine: env.ABM_ENGINE ?? "native",
    database,
    scim: {
      url: env.ABM_SCIM_URL ?? DEFAULTS.scimUrl,
      token: env.ABM_SCIM_TOKEN ?? null,
      tokenExpiresAt: env.ABM_SCIM_TOKEN_EXPIRES ?? null,
    },
    azure: {
      tenantId: env.AZURE_TENANT_ID ?? null,
      clientId: env.AZURE_CLIENT_ID ?? null,
      clientSecret: env.AZURE_CLIENT_SECRET ?? null,
      authorityHost: env.AZURE_AUTHORITY_HOST ?? DEFAULTS.authorityHost,
      graphBaseUrl: env.GRAPH_BASE_URL ?? DEFAULTS.graphBaseUrl,
      servicePrincipalId: env.ABM_SERVICE_PRINCIPAL_ID ?? null,
    },
    sync: {
      concurrency: env.SYNC_CONCURRENCY ?? DEFAULTS.concurrency,
      scope: env.SYNC_SCOPE ?? "assigned",
      intervalMs: env.SYNC_INTERVAL ?? DEFAULTS.intervalMs,
      deletionThreshold: env.DELETION_THRESHOLD ?? DEFAULTS.deletionThreshold,
      verifiedDomains: env.ABM_VERIFIED_DOMAINS ?? [],
      attributeMapPath: env.ABM_ATTRIBUTE_MAP ?? null,
    },
    slack,
    teams,
    alerts: { routes: env.ABM_ALERT_CHANNELS ?? [] },
    roles: {
      viewers: env.ABM_VIEWERS ?? [],
      operators: env.ABM_OPERATORS ?? [],
      approvers: env.ABM_APPROVERS ?? [],
    },
    approvalsRequired: env.ABM_APPROVALS_REQUIRED ?? DEFAULTS.approvalsRequired,
    host: env.HOST ?? DEFAULTS.host,
    logFormat: env.LOG_FORMAT ?? null,
    port: env.PORT ?? DEFAULTS.port,
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
