import { pino } from "pino";
import pretty from "pino-pretty";
import type { LogFields, Logger } from "#core/logger.js";

const CENSOR = "[redacted]";

/**
 * Field names whose values are never written, at any depth (inside `err`, its `cause`, request
 * headers…), compared case-insensitively with `-` and `_` ignored: `Authorization`,
 * `x-slack-signature`, `access_token` and `accessToken` all match.
 */
const SECRET_KEYS = new Set(
  [
    "token",
    "accessToken",
    "refreshToken",
    "idToken",
    "botToken",
    "appToken",
    "userToken",
    "secret",
    "clientSecret",
    "signingSecret",
    "clientAssertion",
    "password",
    "appPassword",
    "passphrase",
    "authorization",
    "proxyAuthorization",
    "cookie",
    "setCookie",
    "xSlackSignature",
    "apiKey",
    "xApiKey",
    "privateKey",
  ].map((key) => normalizeKey(key)),
);

function normalizeKey(key: string): string {
  return key.replaceAll("-", "").replaceAll("_", "").toLowerCase();
}

/** a value that is a credential, a bearer token anywhere in a text, secrets in a query string */
const CREDENTIAL_PREFIX = /^(?:bearer|basic)\s/i;
const BEARER = /\b(bearer)\s+[\w\-.~+/]{8,}=*/gi;
const QUERY_SECRET =
  /\b(access_token|refresh_token|id_token|client_secret|client_assertion|code_verifier|password|sig)=[^&\s"'#]*/gi;

const MAX_DEPTH = 10;

function redactText(value: string): string {
  if (CREDENTIAL_PREFIX.test(value)) return CENSOR;
  const withoutBearer = value.replace(BEARER, `$1 ${CENSOR}`);
  return withoutBearer.includes("=") ? withoutBearer.replace(QUERY_SECRET, `$1=${CENSOR}`) : withoutBearer;
}

function errorFields(error: Error): Record<string, unknown> {
  const fields: Record<string, unknown> = { type: error.name, message: error.message, stack: error.stack };
  for (const [key, value] of Object.entries(error)) fields[key] = value;
  if (error.cause !== undefined) fields.cause = error.cause;
  return fields;
}

/**
 * A copy of `value` with every secret field censored, at any depth; errors become plain objects
 * (type, message, stack, own fields, cause) so their insides are redacted too. Values with a
 * `toJSON` (dates, buffers, URLs) are left as they are; cycles become "[circular]".
 */
function redactSecrets(value: unknown, seen: WeakSet<object> = new WeakSet(), depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[too deep]";
  const isError = value instanceof Error;
  if (!isError && typeof (value as { toJSON?: unknown }).toJSON === "function") return value;
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => redactSecrets(item, seen, depth + 1));
    const source = isError ? errorFields(value) : (value as Record<string, unknown>);
    const copy: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(source)) {
      copy[key] = SECRET_KEYS.has(normalizeKey(key)) ? CENSOR : redactSecrets(inner, seen, depth + 1);
    }
    return copy;
  } finally {
    seen.delete(value);
  }
}

function redactFields(fields: LogFields): LogFields {
  return redactSecrets(fields) as LogFields;
}

export interface LoggerOptions {
  readonly level?: string;
  /** write to this stream instead of stdout (tests, the CLI's stderr) */
  readonly destination?: NodeJS.WritableStream;
  /** `LOG_FORMAT`: one line of JSON per entry, or readable lines for a person; default json */
  readonly format?: LogFormat;
}

export type LogFormat = "pretty" | "json";

/** `LOG_FORMAT` when set; otherwise readable lines on a terminal and JSON everywhere else. */
export function logFormatFor(configured: LogFormat | null, destination: NodeJS.WritableStream): LogFormat {
  if (configured !== null) return configured;
  return (destination as NodeJS.WriteStream).isTTY === true ? "pretty" : "json";
}

/** The Logger port backed by pino, with secret redaction (any depth) on by default. */
export function createLogger(options: LoggerOptions = {}): Logger {
  // errors reach pino already turned into redacted plain objects (redactSecrets), so its own
  // error serializer (which would re-read them) is replaced by the identity
  const destination = options.destination ?? process.stdout;
  const stream =
    options.format === "pretty"
      ? pretty({
          destination,
          sync: true,
          colorize: (destination as NodeJS.WriteStream).isTTY === true,
          translateTime: "SYS:HH:MM:ss",
          ignore: "pid,hostname",
          singleLine: true,
        })
      : destination;
  const base = pino({ level: options.level ?? "info", serializers: { err: (value: unknown) => value } }, stream);
  return wrap(base, {});
}

/**
 * Children are made from the root with their bindings merged, so a key bound twice (a component
 * handing its logger to another that binds `component` again) appears once, with the inner value.
 */
function wrap(root: pino.Logger, bindings: LogFields): Logger {
  const log = Object.keys(bindings).length === 0 ? root : root.child(bindings);
  const at =
    (level: "debug" | "info" | "warn" | "error") =>
    (fields: LogFields, message: string): void => {
      if (!log.isLevelEnabled(level)) return;
      const own = redactFields(fields);
      // a field named like a binding replaces it instead of repeating the key
      const clash = Object.keys(own).some((key) => key in bindings);
      if (clash) root[level]({ ...bindings, ...own }, message);
      else log[level](own, message);
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (fields: LogFields) => wrap(root, { ...bindings, ...redactFields(fields) }),
  };
}
