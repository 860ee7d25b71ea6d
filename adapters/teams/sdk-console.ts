import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "#core/logger.js";

/**
 * botbuilder and botframework-connector write to `console.error` / `console.warn` directly — a
 * full stack trace for every refused token. While a Teams request is processed, those calls
 * are routed to the service logger instead: one line (error name and first message line, no
 * stack), at most `perMinute` lines a minute, then a count of what was dropped. Outside a Teams
 * request the console behaves as before.
 */
type Level = "warn" | "error";

export interface SdkLogSink {
  line(level: Level, text: string): void;
}

const requestSink = new AsyncLocalStorage<SdkLogSink>();
let installed = false;

function firstLine(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message.split("\n")[0] ?? ""}`;
  if (typeof value === "string") return value.split("\n")[0] ?? "";
  return typeof value;
}

function summarise(args: readonly unknown[]): string {
  return args.map(firstLine).join(" ").slice(0, 300);
}

function install(): void {
  if (installed) return;
  installed = true;
  for (const level of ["error", "warn"] as const) {
    const original = console[level];
    console[level] = (...args: unknown[]) => {
      const sink = requestSink.getStore();
      if (sink === undefined) {
        original.apply(console, args);
        return;
      }
      sink.line(level, summarise(args));
    };
  }
}

/** Runs `work` with the SDK's console output going to `sink`. */
export function withSdkLogs<T>(sink: SdkLogSink, work: () => Promise<T>): Promise<T> {
  install();
  return requestSink.run(sink, work);
}

/** A sink that logs through `logger` with code `teams.sdk_log`, at most `perMinute` lines a minute. */
export function rateLimitedSdkSink(
  logger: Logger,
  options: { perMinute?: number; now?: () => number } = {},
): SdkLogSink {
  const perMinute = options.perMinute ?? 10;
  const now = options.now ?? Date.now;
  let windowStart = Number.NEGATIVE_INFINITY;
  let written = 0;
  let dropped = 0;
  return {
    line(level, text) {
      const t = now();
      if (t - windowStart >= 60_000) {
        if (dropped > 0) {
          logger.warn(
            { code: "teams.sdk_log_dropped", dropped },
            "Bot Framework SDK log lines dropped in the last minute",
          );
        }
        windowStart = t;
        written = 0;
        dropped = 0;
      }
      if (written >= perMinute) {
        dropped += 1;
        return;
      }
      written += 1;
      // the SDK calls console.error for refusals too: a warning in our log, not an error
      logger.warn({ code: "teams.sdk_log", sdkLevel: level }, text);
    },
  };
}
