import { z } from "zod";
import type { Result } from "#core/result.js";
import type { Invalid } from "./invalid.js";
import { parseDigestAt } from "./parse-digest-at.js";
import { parseDuration } from "./parse-duration.js";
import { parseAlertRoutes, parseDomainList, parseRoleList } from "./parse-lists.js";
import {
  parseAppleClientId,
  parseAppleKeyId,
  parseBoolean,
  parseChoice,
  parseGuid,
  parseInteger,
  parseIsoDate,
  parseListenHost,
  parsePath,
  parsePostgresUrl,
  parsePrefixedToken,
  parseSecret,
  parseServiceUrl,
  parseTenant,
} from "./parse-scalars.js";

/** Variables whose values are secret (or carry one): never echoed in errors, logs or output. */
export const SECRET_VARIABLES = [
  "DATABASE_URL",
  "ABM_SCIM_TOKEN",
  "ABM_SCIM_TOKEN_NEXT",
  "AZURE_CLIENT_SECRET",
  "SLACK_BOT_TOKEN",
  "SLACK_SIGNING_SECRET",
  "SLACK_APP_TOKEN",
  "MICROSOFT_APP_PASSWORD",
] as const;

/** Values shown in a message are cut to this length. */
const SHOWN_MAX = 60;

interface VariableOptions {
  /** append `(got "…")` to the reason; off for secrets and for lists whose reason names the entry */
  readonly echo: boolean;
}

/**
 * One environment variable: unset or blank → `undefined`; otherwise trimmed and parsed. A refusal
 * becomes a zod issue whose message is the reason and whose `params.fix` says what to do.
 */
function variable<T>(parse: (text: string) => Result<T, Invalid>, options: VariableOptions) {
  return z
    .string()
    .optional()
    .transform((raw, ctx): T | undefined => {
      const text = raw?.trim();
      if (text === undefined || text === "") return undefined;
      const parsed = parse(text);
      if (parsed.ok) return parsed.value;
      const shown = text.length > SHOWN_MAX ? `${text.slice(0, SHOWN_MAX)}…` : text;
      ctx.addIssue({
        code: "custom",
        message: options.echo ? `${parsed.error.reason} (got "${shown}")` : parsed.error.reason,
        params: { fix: parsed.error.fix },
      });
      return z.NEVER;
    });
}

const SHOW = { echo: true } as const;
const HIDE = { echo: false } as const;

const MAX_INTERVAL_MS = 7 * 86_400_000;
/** a delta read that finds nothing costs one Graph request: short intervals are for tests and small tenants */
const MIN_INTERVAL_MS = 5_000;

/** The zod schema of every variable in docs/contracts.md §4. Defaults and cross-variable rules live in `loadConfig`. */
export const envSchema = z.object({
  DATABASE_URL: variable(parsePostgresUrl, HIDE),
  ABM_DATA_DIR: variable(parsePath, SHOW),
  ABM_CONNECTIONS: variable(parsePath, SHOW),
  ABM_ENGINE: variable((text) => parseChoice(text, ["native", "entra"] as const), SHOW),
  ABM_SCIM_URL: variable(parseServiceUrl, SHOW),
  ABM_SCIM_TOKEN: variable(parseSecret, HIDE),
  ABM_SCIM_TOKEN_EXPIRES: variable(parseIsoDate, SHOW),
  ABM_SCIM_TOKEN_NEXT: variable(parseSecret, HIDE),
  ABM_SCIM_TOKEN_NEXT_EXPIRES: variable(parseIsoDate, SHOW),
  AZURE_TENANT_ID: variable(parseTenant, SHOW),
  AZURE_CLIENT_ID: variable((text) => parseGuid(text, "Application (client) ID of the app registration"), SHOW),
  AZURE_CLIENT_SECRET: variable(parseSecret, HIDE),
  AZURE_AUTHORITY_HOST: variable(parseServiceUrl, SHOW),
  GRAPH_BASE_URL: variable(parseServiceUrl, SHOW),
  ABM_SERVICE_PRINCIPAL_ID: variable(
    (text) => parseGuid(text, 'Object ID of the "Apple Business Manager" enterprise application'),
    SHOW,
  ),
  ABM_VERIFIED_DOMAINS: variable(parseDomainList, HIDE),
  ABM_ATTRIBUTE_MAP: variable(parsePath, SHOW),
  SYNC_CONCURRENCY: variable((text) => parseInteger(text, 1, 64), SHOW),
  SYNC_SCOPE: variable((text) => parseChoice(text, ["all", "assigned"] as const), SHOW),
  SYNC_INTERVAL: variable((text) => parseDuration(text, { minMs: MIN_INTERVAL_MS, maxMs: MAX_INTERVAL_MS }), SHOW),
  DELETION_THRESHOLD: variable((text) => parseInteger(text, 0, 1_000_000), SHOW),
  SLACK_BOT_TOKEN: variable((text) => parsePrefixedToken(text, "xoxb-", "Slack → OAuth & Permissions"), HIDE),
  SLACK_SIGNING_SECRET: variable(parseSecret, HIDE),
  SLACK_APP_TOKEN: variable(
    (text) => parsePrefixedToken(text, "xapp-", "Slack → Basic Information → App-Level Tokens"),
    HIDE,
  ),
  SLACK_API_URL: variable(parseServiceUrl, SHOW),
  MICROSOFT_APP_ID: variable((text) => parseGuid(text, "Microsoft App ID of the Azure Bot"), SHOW),
  MICROSOFT_APP_PASSWORD: variable(parseSecret, HIDE),
  MICROSOFT_APP_TENANT_ID: variable(parseTenant, SHOW),
  MICROSOFT_APP_TYPE: variable(
    (text) => parseChoice(text, ["SingleTenant", "MultiTenant", "UserAssignedMSI"] as const),
    SHOW,
  ),
  TEAMS_ALLOW_ANONYMOUS: variable(parseBoolean, SHOW),
  ABM_ALERT_CHANNELS: variable(parseAlertRoutes, HIDE),
  ABM_DIGEST_AT: variable(parseDigestAt, SHOW),
  ABM_VIEWERS: variable(parseRoleList, HIDE),
  ABM_OPERATORS: variable(parseRoleList, HIDE),
  ABM_APPROVERS: variable(parseRoleList, HIDE),
  ABM_APPROVALS_REQUIRED: variable((text) => parseInteger(text, 1, 5), SHOW),
  HOST: variable(parseListenHost, SHOW),
  PORT: variable((text) => parseInteger(text, 0, 65_535), SHOW),
  ABM_PUBLIC_URL: variable(parseServiceUrl, SHOW),
  LOG_FORMAT: variable((text) => parseChoice(text, ["pretty", "json"] as const), SHOW),
  APPLE_API_CLIENT_ID: variable(parseAppleClientId, SHOW),
  APPLE_API_KEY_ID: variable(parseAppleKeyId, SHOW),
  APPLE_API_PRIVATE_KEY: variable(parsePath, SHOW),
  APPLE_API_URL: variable(parseServiceUrl, SHOW),
  APPLE_API_TOKEN_URL: variable(parseServiceUrl, SHOW),
});

export type ParsedEnv = z.output<typeof envSchema>;
export type ConfigVariable = keyof ParsedEnv;

/** Every variable name, in the order of docs/contracts.md §4. */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape) as readonly ConfigVariable[];
