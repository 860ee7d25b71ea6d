import { AppError } from "#core/errors.js";

/**
 * Slack Web API failures → AppError. Rate limits carry `retryAfterMs` (from `Retry-After`);
 * network and 5xx failures are retryable; Slack's own `{ ok: false, error }` answers are not,
 * except the few Slack documents as transient.
 */
const TRANSIENT_PLATFORM_ERRORS = new Set([
  "ratelimited",
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
]);

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

export function slackApiError(error: unknown, method: string): AppError {
  if (error instanceof AppError) return error;
  const code = field(error, "code");
  if (code === "slack_webapi_rate_limited_error") {
    const seconds = Number(field(error, "retryAfter"));
    const retryAfterMs = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000;
    return new AppError("slack.rate_limited", `Slack rate-limited ${method}; retry after ${retryAfterMs} ms.`, {
      retryable: true,
      retryAfterMs,
      context: { method },
      cause: error,
    });
  }
  if (code === "slack_webapi_platform_error") {
    const slackError = String(field(field(error, "data"), "error") ?? "unknown_error");
    return new AppError("slack.api_error", `Slack refused ${method}: ${slackError}.`, {
      retryable: TRANSIENT_PLATFORM_ERRORS.has(slackError),
      context: { method, slackError },
      cause: error,
    });
  }
  if (code === "slack_webapi_http_error") {
    const status = Number(field(error, "statusCode"));
    return new AppError("slack.http_error", `Slack answered HTTP ${status} to ${method}.`, {
      retryable: !(status >= 400 && status < 500),
      context: { method, status },
      cause: error,
    });
  }
  if (code === "slack_webapi_request_error") {
    const original = field(error, "original");
    const detail = original instanceof Error ? original.message : "request failed";
    return new AppError("slack.unreachable", `Slack could not be reached for ${method}: ${detail}.`, {
      retryable: true,
      context: { method },
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AppError("slack.unexpected", `Calling Slack ${method} failed: ${message}`, {
    retryable: false,
    context: { method },
    cause: error,
  });
}
