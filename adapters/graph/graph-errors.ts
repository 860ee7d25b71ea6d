import { GraphError } from "@microsoft/microsoft-graph-client";
import { AppError } from "#core/errors.js";

export interface ErrorScope {
  readonly tenantId: string;
  readonly clientId: string;
  /** redacted from anything quoted back, should an error ever echo it */
  readonly clientSecret: string;
}

/** what a request was for, so errors can say what is missing */
export interface RequestPurpose {
  /** e.g. "read user changes" */
  readonly what: string;
  /** the least-privileged application permission it needs, e.g. User.Read.All */
  readonly permission: string;
}

const AUTH_ERROR_NAMES = new Set([
  "AuthenticationError",
  "AggregateAuthenticationError",
  "CredentialUnavailableError",
  "AuthenticationRequiredError",
]);

const AADSTS_HINTS: Readonly<Record<string, string>> = {
  AADSTS7000215: "the client secret is wrong (check AZURE_CLIENT_SECRET: the secret's value, not its id)",
  AADSTS7000222: "the client secret has expired (create a new one and update AZURE_CLIENT_SECRET)",
  AADSTS700016: "no application with this client id exists in the tenant (check AZURE_CLIENT_ID)",
  AADSTS90002: "the tenant was not found (check AZURE_TENANT_ID and AZURE_AUTHORITY_HOST)",
  AADSTS900023: "the tenant id is malformed (check AZURE_TENANT_ID)",
};

/** syncStateNotFound / resyncRequired (400 or 410): the delta link must be replaced by a full read */
export const DELTA_EXPIRED = "graph.delta_expired";

function redact(text: string, scope: ErrorScope): string {
  const clean = scope.clientSecret === "" ? text : text.replaceAll(scope.clientSecret, "[redacted]");
  return clean.replace(/\s+(Trace ID|Correlation ID|Timestamp):.*$/s, "").slice(0, 300);
}

/** Retry-After in seconds or as an HTTP date (measured against `now`, the Clock port's time) */
function retryAfterMs(error: GraphError, now: number): number | undefined {
  const raw = error.headers?.get("retry-after");
  if (raw === null || raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const UNREACHABLE_AUTHORITY =
  "the authority's OpenID metadata could not be read (check AZURE_AUTHORITY_HOST: unreachable, or its TLS certificate is not trusted)";

function authError(detail: string, scope: ErrorScope, cause: unknown): AppError {
  const aadCode = /AADSTS\d+/.exec(detail)?.[0];
  const hint =
    (aadCode === undefined ? undefined : AADSTS_HINTS[aadCode]) ??
    (detail.includes("endpoints_resolution_error") ? UNREACHABLE_AUTHORITY : redact(detail, scope));
  return new AppError(
    "graph.auth",
    `Signing in to Microsoft Graph failed for tenant ${scope.tenantId} with client id ${scope.clientId}: ${hint}.`,
    { retryable: false, context: { tenantId: scope.tenantId, clientId: scope.clientId, aadCode }, cause },
  );
}

/**
 * Translates whatever the Graph SDK threw into one of the graph.* AppErrors — for every Graph
 * caller (the directory source and the entra engine). `now` (ms) dates an HTTP-date Retry-After.
 */
export function toGraphAppError(thrown: unknown, purpose: RequestPurpose, scope: ErrorScope, now: number): AppError {
  if (thrown instanceof AppError) return thrown;
  if (!(thrown instanceof GraphError)) {
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    if (thrown instanceof Error && AUTH_ERROR_NAMES.has(thrown.name)) return authError(message, scope, thrown);
    return new AppError("graph.transient", `Could not ${purpose.what}: ${redact(message, scope)}`, {
      retryable: true,
      cause: thrown,
    });
  }
  const status = thrown.statusCode;
  const graphCode = thrown.code ?? "";
  const graphMessage = redact(thrown.message || String(thrown.body ?? ""), scope);
  const context = { status, graphCode, requestId: thrown.requestId ?? null };
  if (status === -1 && AUTH_ERROR_NAMES.has(graphCode)) return authError(String(thrown.body ?? ""), scope, thrown);
  if (status === -1) {
    if (graphCode === "AbortError") {
      return new AppError("graph.aborted", `Stopped before Graph answered (${purpose.what}).`, {
        context,
        cause: thrown,
      });
    }
    return new AppError("graph.transient", `Could not reach Microsoft Graph to ${purpose.what}: ${graphMessage}`, {
      retryable: true,
      context,
      cause: thrown,
    });
  }
  if ((status === 400 || status === 410) && (graphCode === "syncStateNotFound" || graphCode === "resyncRequired")) {
    return new AppError(DELTA_EXPIRED, `The stored delta link is no longer valid: ${graphMessage}`, {
      context,
      cause: thrown,
    });
  }
  if (status === 410) {
    return new AppError(DELTA_EXPIRED, `Graph answered 410 Gone: ${graphMessage}`, { context, cause: thrown });
  }
  if (status === 401) {
    return new AppError(
      "graph.auth",
      `Microsoft Graph rejected the access token of tenant ${scope.tenantId}, client id ${scope.clientId} (${graphCode}: ${graphMessage}).`,
      { retryable: false, context: { ...context, tenantId: scope.tenantId, clientId: scope.clientId }, cause: thrown },
    );
  }
  if (status === 403) {
    const named = /\b[A-Z][A-Za-z]+\.[A-Z][A-Za-z]+(?:\.[A-Z][A-Za-z]+)?\b/.exec(graphMessage)?.[0];
    const permission = named ?? purpose.permission;
    return new AppError(
      "graph.forbidden",
      `Microsoft Graph refused to ${purpose.what}: the app registration ${scope.clientId} needs the application permission ${permission} with admin consent (Graph said: ${graphMessage}).`,
      { retryable: false, context: { ...context, permission }, cause: thrown },
    );
  }
  if (status === 404) {
    return new AppError("graph.not_found", `Not found in Microsoft Graph (${purpose.what}): ${graphMessage}`, {
      context,
      cause: thrown,
    });
  }
  if (status === 429) {
    const wait = retryAfterMs(thrown, now);
    return new AppError("graph.throttled", `Microsoft Graph is throttling requests (${purpose.what}).`, {
      retryable: true,
      context,
      cause: thrown,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    });
  }
  if (status >= 500) {
    const wait = retryAfterMs(thrown, now);
    return new AppError("graph.transient", `Microsoft Graph answered ${status} (${purpose.what}): ${graphMessage}`, {
      retryable: true,
      context,
      cause: thrown,
      ...(wait === undefined ? {} : { retryAfterMs: wait }),
    });
  }
  return new AppError(
    "graph.protocol",
    `Microsoft Graph answered ${status} ${graphCode} (${purpose.what}): ${graphMessage}`,
    {
      context,
      cause: thrown,
    },
  );
}
