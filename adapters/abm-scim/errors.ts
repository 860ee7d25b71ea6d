import { AppError } from "#core/errors.js";
import { scimErrorWire } from "./scim-wire.js";

/** Where an error happened: the port operation and the HTTP method (never the token, never a body). */
export interface RequestInfo {
  readonly operation: string;
  readonly method: string;
}

function scimErrorFields(body: string): { scimType: string | undefined; detail: string | undefined } {
  if (body === "") return { scimType: undefined, detail: undefined };
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return { scimType: undefined, detail: undefined };
  }
  const parsed = scimErrorWire.safeParse(raw);
  if (!parsed.success) return { scimType: undefined, detail: undefined };
  return { scimType: parsed.data.scimType ?? undefined, detail: parsed.data.detail?.slice(0, 300) ?? undefined };
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now.getTime());
}

/** Translates a non-2xx SCIM answer into a typed error; `tokenHelp` says what to do about a refused token. */
export function errorFromResponse(
  info: RequestInfo,
  status: number,
  body: string,
  retryAfterHeader: string | undefined,
  now: Date,
  tokenHelp: string,
): AppError {
  const { scimType, detail } = scimErrorFields(body);
  const context = { operation: info.operation, method: info.method, status, scimType, detail };
  // ABM's detail often ends with its own full stop: never two in a row
  const said = detail === undefined ? "" : `: ${detail.replace(/[.\s]+$/, "")}`;
  if (status === 409 || status === 412) {
    return new AppError(
      "scim.conflict",
      `ABM refused ${info.operation} because the user conflicts with an existing account (HTTP ${status}${scimType === undefined ? "" : ` ${scimType}`})${said}. A 409 uniqueness error usually means the address already belongs to a personal Apple Account or another Managed Apple Account.`,
      { context },
    );
  }
  if (status === 401 || status === 403) {
    return new AppError(
      "scim.auth",
      `ABM rejected the SCIM request for ${info.operation} (HTTP ${status}). ${tokenHelp}`,
      { context },
    );
  }
  if (status === 404)
    return new AppError("scim.not_found", `ABM has no such user (${info.operation})${said}.`, { context });
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(retryAfterHeader, now);
    return new AppError(
      "scim.rate_limited",
      `ABM is rate-limiting SCIM requests (${info.operation})${retryAfterMs === undefined ? "" : `; it asked to wait ${retryAfterMs} ms`}.`,
      { retryable: true, context, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
    );
  }
  if (status >= 500 && status !== 501 && status !== 505) {
    return new AppError(
      "scim.transient",
      `ABM answered HTTP ${status} to ${info.operation}${said}; it may work on a retry.`,
      {
        retryable: true,
        context,
      },
    );
  }
  if (status === 400 || status === 413 || status === 422) {
    return new AppError(
      "scim.invalid",
      `ABM rejected ${info.operation} as invalid${scimType === undefined ? "" : ` (${scimType})`}${said}.`,
      {
        context,
      },
    );
  }
  return new AppError("scim.protocol", `ABM answered ${info.operation} with unexpected HTTP ${status}${said}.`, {
    context,
  });
}

/** Network-level failures: resets, timeouts, refused connections. All are worth a retry. */
export function errorFromNetwork(info: RequestInfo, kind: "timeout" | "reset" | "network", cause: unknown): AppError {
  const what =
    kind === "timeout" ? "timed out" : kind === "reset" ? "lost its connection (reset)" : "could not reach the server";
  return new AppError("scim.transient", `The SCIM request for ${info.operation} ${what}; it may work on a retry.`, {
    retryable: true,
    context: { operation: info.operation, method: info.method, network: kind },
    cause,
  });
}

export function protocolError(info: RequestInfo, problem: string, cause?: unknown): AppError {
  return new AppError("scim.protocol", `ABM's answer to ${info.operation} was not valid SCIM: ${problem}.`, {
    context: { operation: info.operation, method: info.method },
    ...(cause === undefined ? {} : { cause }),
  });
}
