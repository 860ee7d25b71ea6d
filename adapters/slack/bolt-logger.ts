import type { Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "#core/logger.js";

/**
 * Bolt and the Web API client log through our Logger port. Their messages are flattened to one
 * short string, with anything that looks like a Slack token masked, so secrets never reach logs.
 */
const TOKEN = /xox[abposr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+/g;

function flatten(parts: readonly unknown[]): string {
  return parts
    .map((part) => (part instanceof Error ? part.message : typeof part === "string" ? part : safeJson(part)))
    .join(" ")
    .replace(TOKEN, "xox?-***")
    .slice(0, 500);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function toBoltLogger(logger: Logger, name = "bolt"): BoltLogger {
  let level = "info" as LogLevel;
  let current = logger.child({ component: name });
  return {
    debug: (...msg: unknown[]) => current.debug({}, flatten(msg)),
    info: (...msg: unknown[]) => current.info({}, flatten(msg)),
    warn: (...msg: unknown[]) => current.warn({}, flatten(msg)),
    error: (...msg: unknown[]) => current.error({}, flatten(msg)),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next: string) => {
      current = logger.child({ component: next });
    },
  };
}
