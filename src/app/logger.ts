import { pino } from "pino";
import type { LogFields, Logger } from "#core/logger.js";

/** Field names whose values are never written, wherever they appear in a log line. */
const REDACT_PATHS = [
  "token",
  "*.token",
  "secret",
  "*.secret",
  "password",
  "*.password",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "clientSecret",
  "*.clientSecret",
  "botToken",
  "signingSecret",
  "appPassword",
];

export interface LoggerOptions {
  readonly level?: string;
  /** write to this stream instead of stdout (tests, the CLI's stderr) */
  readonly destination?: NodeJS.WritableStream;
}

/** The Logger port backed by pino, with secret redaction on by default. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const base = pino(
    { level: options.level ?? "info", redact: { paths: REDACT_PATHS, censor: "[redacted]" } },
    options.destination ?? process.stdout,
  );
  return wrap(base);
}

function wrap(log: pino.Logger): Logger {
  return {
    debug: (fields: LogFields, message: string) => log.debug(fields, message),
    info: (fields: LogFields, message: string) => log.info(fields, message),
    warn: (fields: LogFields, message: string) => log.warn(fields, message),
    error: (fields: LogFields, message: string) => log.error(fields, message),
    child: (fields: LogFields) => wrap(log.child(fields)),
  };
}
