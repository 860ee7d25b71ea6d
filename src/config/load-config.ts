import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { DEFAULT_DIGEST_TIME } from "#core/chat/digest/period.js";
import { organizationOfScimUrl } from "#core/organization.js";
import { err, ok, type Result } from "#core/result.js";
import { appleProblems } from "./apple-rules.js";
import type { AppleApiConfig, Config, ConnectionConfig, DatabaseConfig, SlackConfig, TeamsConfig } from "./config.js";
import { ConfigError, type ConfigProblem } from "./config-error.js";
import { connectionProblems, isDemo, processProblems } from "./config-rules.js";
import { connectionPlace, IDENTITY_VARIABLES, keyOfVariable, parseConnectionsFile } from "./connections-file.js";
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
  appleApiUrl: "https://api-business.apple.com/v1",
  appleTokenUrl: "https://account.apple.com/auth/oauth2/v2/token",
} as const;

/** Reads the `ABM_CONNECTIONS` file; the CLI reads from disk, tests from memory. */
export type ReadText = (path: string) => Result<string, string>;

const readTextFile: ReadText = (path) => {
  try {
    return ok(readFileSync(path, "utf8"));
  } catch (error) {
    return err(error instanceof Error ? error.message : String(error));
  }
};

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The only reader of the environment (the CLI passes `process.env`) and of the `ABM_CONNECTIONS`
 * file it names. Returns a frozen, grouped Config, or ONE ConfigError (`config.invalid`) listing
 * every bad variable, file entry and value with why and how to fix it.
 */
export function loadConfig(env: Env, readText: ReadText = readTextFile): Result<Config, ConfigError> {
  const parsed = envSchema.safeParse(pick(env, CONFIG_VARIABLES));
  const problems: ConfigProblem[] = parsed.success ? [] : issueProblems(parsed.error.issues, (name) => name);
  problems.push(...processProblems(env));
  const demo = isDemo(env);
  const file = env.ABM_CONNECTIONS?.trim() ?? "";
  const fromFile = file === "" ? null : loadFileConnections(env, file, readText);
  if (fromFile === null) problems.push(...connectionProblems(env, demo), ...appleProblems(env, readText));
  else problems.push(...fromFile.problems);
  if (!parsed.success || problems.length > 0) return err(new ConfigError(sortByVariable(problems)));
  const [first, ...rest] = fromFile?.connections ?? [connectionFrom("default", "default", parsed.data)];
  if (first === undefined)
    return err(
      new ConfigError([{ variable: "ABM_CONNECTIONS", reason: "lists no connection", fix: "list at least one" }]),
    );
  return ok(deepFreeze(build(parsed.data, demo, [first, ...rest])));
}

/** Every connection of the `ABM_CONNECTIONS` file, each validated like the environment. */
function loadFileConnections(
  env: Env,
  path: string,
  readText: ReadText,
): { readonly connections: ConnectionConfig[]; readonly problems: ConfigProblem[] } {
  const problems = IDENTITY_VARIABLES.filter((name) => env[name] !== undefined && env[name].trim() !== "").map(
    (variable): ConfigProblem => ({
      variable,
      reason: "is set, but ABM_CONNECTIONS lists the connections",
      fix: `set it per connection in ${path} (key ${keyOfVariable(variable) ?? variable}), and unset it here`,
    }),
  );
  const text = readText(path);
  if (!text.ok) {
    const reason = `names a file that cannot be read (${text.error})`;
    problems.push({ variable: "ABM_CONNECTIONS", reason, fix: "point it at a readable JSON file" });
    return { connections: [], problems };
  }
  const file = parseConnectionsFile(text.value, env);
  problems.push(...file.problems);
  const connections: ConnectionConfig[] = [];
  const shared = Object.fromEntries(Object.entries(pick(env, CONFIG_VARIABLES)).filter(([name]) => !isIdentity(name)));
  for (const entry of file.entries) {
    const view: Env = { ...shared, ...entry.variables };
    const own = envSchema.safeParse(view);
    const place = (variable: string): string => connectionPlace(entry.id, keyOfVariable(variable) ?? variable);
    // the environment's own values are reported once, under their own names, not per connection
    const ownIssues = own.success ? [] : own.error.issues.filter((i) => String(i.path[0]) in entry.variables);
    problems.push(...issueProblems(ownIssues, place));
    const rules = [...connectionProblems(view, false), ...appleProblems(view, readText)].map((problem) => ({
      ...problem,
      variable: place(problem.variable),
    }));
    problems.push(...rules);
    if (own.success && rules.length === 0) connections.push(connectionFrom(entry.id, entry.name, own.data));
  }
  return { connections, problems };
}

function isIdentity(name: string): boolean {
  return (IDENTITY_VARIABLES as readonly string[]).includes(name);
}

function issueProblems(issues: readonly z.core.$ZodIssue[], place: (variable: string) => string): ConfigProblem[] {
  return issues.map((issue) => {
    const params = "params" in issue ? issue.params : undefined;
    const fix = typeof params?.fix === "string" ? params.fix : "correct the value";
    return { variable: place(String(issue.path[0] ?? "environment")), reason: issue.message, fix };
  });
}

/** Only our variables go through the schema, so nothing else of the environment is ever touched. */
function pick(env: Env, names: readonly string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const name of names) out[name] = env[name];
  return out;
}

/** Variables in the order of docs/contracts.md §4, then the file's entries in their order. */
function sortByVariable(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const order = (name: string): number => {
    const index = (CONFIG_VARIABLES as readonly string[]).indexOf(name);
    return index < 0 ? CONFIG_VARIABLES.length : index;
  };
  return [...problems].sort((a, b) => order(a.variable) - order(b.variable));
}

function connectionFrom(id: string, name: string, env: ParsedEnv): ConnectionConfig {
  const scimUrl = env.ABM_SCIM_URL ?? DEFAULTS.scimUrl;
  return {
    id,
    name,
    organization: organizationOfScimUrl(scimUrl),
    engine: env.ABM_ENGINE ?? "native",
    scim: {
      url: scimUrl,
      token: env.ABM_SCIM_TOKEN ?? null,
      tokenExpiresAt: env.ABM_SCIM_TOKEN_EXPIRES ?? null,
      nextToken: env.ABM_SCIM_TOKEN_NEXT ?? null,
      nextTokenExpiresAt: env.ABM_SCIM_TOKEN_NEXT_EXPIRES ?? null,
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
    alerts: { routes: env.ABM_ALERT_CHANNELS ?? [], digestAt: env.ABM_DIGEST_AT ?? DEFAULT_DIGEST_TIME },
    roles: {
      viewers: env.ABM_VIEWERS ?? [],
      operators: env.ABM_OPERATORS ?? [],
      approvers: env.ABM_APPROVERS ?? [],
    },
    approvalsRequired: env.ABM_APPROVALS_REQUIRED ?? DEFAULTS.approvalsRequired,
    apple: appleFrom(env),
  };
}

/** The Apple Business API account when all three of its variables are set (the rules refuse a partial one). */
function appleFrom(env: ParsedEnv): AppleApiConfig | null {
  const { APPLE_API_CLIENT_ID: clientId, APPLE_API_KEY_ID: keyId, APPLE_API_PRIVATE_KEY: privateKeyPath } = env;
  if (clientId === undefined || keyId === undefined || privateKeyPath === undefined) return null;
  return {
    clientId,
    keyId,
    privateKeyPath,
    apiUrl: env.APPLE_API_URL ?? DEFAULTS.appleApiUrl,
    tokenUrl: env.APPLE_API_TOKEN_URL ?? DEFAULTS.appleTokenUrl,
  };
}

function build(env: ParsedEnv, demo: boolean, connections: Config["connections"]): Config {
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
  return {
    demo,
    database,
    slack,
    teams: teamsFrom(env),
    connectionsFile: env.ABM_CONNECTIONS ?? null,
    connections,
    host: env.HOST ?? DEFAULTS.host,
    logFormat: env.LOG_FORMAT ?? null,
    port: env.PORT ?? DEFAULTS.port,
    publicUrl: env.ABM_PUBLIC_URL ?? null,
  };
}

function teamsFrom(env: ParsedEnv): TeamsConfig {
  const appType = env.MICROSOFT_APP_TYPE ?? "SingleTenant";
  if (env.MICROSOFT_APP_ID === undefined)
    return env.TEAMS_ALLOW_ANONYMOUS === true
      ? { enabled: true, anonymous: true, appId: null, appPassword: null, tenantId: null, appType }
      : { enabled: false, anonymous: false, appId: null, appPassword: null, tenantId: null, appType };
  return {
    enabled: true,
    anonymous: false,
    appId: env.MICROSOFT_APP_ID,
    appPassword: env.MICROSOFT_APP_PASSWORD ?? null,
    tenantId: env.MICROSOFT_APP_TENANT_ID ?? null,
    appType,
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
