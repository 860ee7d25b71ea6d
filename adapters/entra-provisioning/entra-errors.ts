import { GraphError } from "@microsoft/microsoft-graph-client";
import { AppError } from "#core/errors.js";

/** What a request was for, so an error can name the permission or the id to fix. */
export interface Purpose {
  /** e.g. "read the provisioning job" */
  readonly what: string;
  /** least-privileged application permission: Synchronization.ReadWrite.All, AuditLog.Read.All, User.Read.All… */
  readonly permission: string;
  /** what a 404 means for this request */
  readonly notFound: "service_principal" | "job" | "user" | "other";
}

export interface ErrorScope {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly servicePrincipalId: string;
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
};

function redact(text: string, scope: ErrorScope): string {
  const clean = scope.clientSecret === "" ? text : text.replaceAll(scope.clientSecret, "[redacted]");
  return clean.replace(/\s+(Trace ID|Correlation ID|Timestamp):.*$/s, "").slice(0, 300);
}

function retryAfterMsOf(headers: Headers | undefined, now: number): number | undefined {
  const raw = headers?.get("retry-after");
  if (raw === null || raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function notFound(purpose: Purpose, scope: ErrorScope, detail: string, cause: unknown): AppError {
  const context = { status: 404, servicePrincipalId: scope.servicePrincipalId };
  switch (purpose.notFound) {
    case "service_principal":
      return new AppError(
        "entra.service_principal_not_found",
        `No service principal ${scope.servicePrincipalId} in tenant ${scope.tenantId} (${purpose.what}). Set ABM_SERVICE_PRINCIPAL_ID to the Object ID shown in Entra admin center → Enterprise applications → Apple Business Manager → Overview (not the Application (client) ID).`,
        { context, cause },
      );
    case "job":
      return new AppError(
        "entra.job_not_found",
        `The provisioning job of service principal ${scope.servicePrincipalId} no longer exists (${purpose.what}). Check Enterprise applications → Apple Business Manager → Provisioning; the service finds the job again on the next request.`,
        { context, cause },
      );
    case "user":
      return new AppError("entra.user_not_found", `Not found in Entra (${purpose.what}).`, { context, cause });
    case "other":
      return new AppError("entra.not_found", `Not found in Microsoft Graph (${purpose.what}): ${detail}`, {
        context,
        cause,
      });
  }
}

/** Translates what the Graph SDK threw into an entra.* AppError that says what to fix. */
export function toEntraError(thrown: unknown, purpose: Purpose, scope: ErrorScope, now: number): AppError {
  if (thrown instanceof AppError) return thrown;
  if (!(thrown instanceof GraphError)) {
    const message = thrown instanceof Error ? thrown.message : String(thrown);
    if (thrown instanceof Error && AUTH_ERROR_NAMES.has(thrown.name)) return authError(message, scope, thrown);
    return new AppError("entra.transient", `Could not ${purpose.what}: ${redact(message, scope)}`, {
      retryable: true,
      cause: thrown,
    });
  }
  const status = thrown.statusCode;
  const graphCode = thrown.code ?? "";
  const detail = redact(thrown.message || String(thrown.body ?? ""), scope);
  const context = { status, graphCode, requestId: thrown.requestId ?? null };
  if (status === -1 && AUTH_ERROR_NAMES.has(graphCode)) return authError(String(thrown.body ?? ""), scope, thrown);
  if (status === -1) {
    return new AppError("entra.transient", `Could not reach Microsoft Graph to ${purpose.what}: ${detail}`, {
      retryable: true,
      context,
      cause: thrown,
    });
  }
  if (status === 401) {
    return new AppError(
      "entra.auth",
      `Microsoft Graph rejected the access token of client id ${scope.clientId} in tenant ${scope.tenantId} (${graphCode}).`,
      { context, cause: thrown },
    );
  }
  if (status === 403) {
    return new AppError(
      "entra.forbidden",
      `Microsoft Graph refused to ${purpose.what}: grant the app registration ${scope.clientId} the application permission ${purpose.permission} in Entra admin center → App registrations → API permissions, then "Grant admin consent".`,
      { context: { ...context, permission: purpose.permission }, cause: thrown },
    );
  }
  if (status === 404) return notFound(purpose, scope, detail, thrown);
  if (status === 429 || status >= 500) {
    const wait = retryAfterMsOf(thrown.headers, now);
    return new AppError(
      status === 429 ? "entra.throttled" : "entra.transient",
      status === 429
        ? `Microsoft Graph is throttling requests (${purpose.what}).`
        : `Microsoft Graph answered ${status} (${purpose.what}): ${detail}`,
      { retryable: true, context, cause: thrown, ...(wait === undefined ? {} : { retryAfterMs: wait }) },
    );
  }
  return new AppError(
    "entra.protocol",
    `Microsoft Graph answered ${status} ${graphCode} (${purpose.what}): ${detail}`,
    {
      context,
      cause: thrown,
    },
  );
}

function authError(detail: string, scope: ErrorScope, cause: unknown): AppError {
  const aadCode = /AADSTS\d+/.exec(detail)?.[0];
  const hint = (aadCode === undefined ? undefined : AADSTS_HINTS[aadCode]) ?? redact(detail, scope);
  return new AppError(
    "entra.auth",
    `Signing in to Microsoft Graph failed for tenant ${scope.tenantId} with client id ${scope.clientId}: ${hint}.`,
    { context: { tenantId: scope.tenantId, clientId: scope.clientId, aadCode }, cause },
  );
}
