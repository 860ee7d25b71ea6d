import { err, ok, type Result } from "#core/result.js";
import type { Invalid } from "./invalid.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

export function isGuid(text: string): boolean {
  return GUID.test(text);
}

export function isDomainName(text: string): boolean {
  return DOMAIN.test(text);
}

export function parseInteger(text: string, min: number, max: number): Result<number, Invalid> {
  if (!/^-?\d+$/.test(text))
    return err({ reason: "is not a whole number", fix: `use a whole number from ${min} to ${max}` });
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    return err({ reason: `is outside ${min}–${max}`, fix: `use a whole number from ${min} to ${max}` });
  }
  return ok(value);
}

export function parseGuid(text: string, what: string): Result<string, Invalid> {
  if (!isGuid(text)) {
    return err({
      reason: `is not a GUID`,
      fix: `copy the ${what} from the Azure portal (format 00000000-0000-0000-0000-000000000000)`,
    });
  }
  return ok(text.toLowerCase());
}

/** A directory (tenant) id: a GUID, or a domain such as `contoso.onmicrosoft.com`. */
export function parseTenant(text: string): Result<string, Invalid> {
  if (isGuid(text)) return ok(text.toLowerCase());
  if (isDomainName(text)) return ok(text.toLowerCase());
  return err({
    reason: "is neither a GUID nor a domain name",
    fix: "use the Directory (tenant) ID from Entra → Overview (a GUID) or a tenant domain such as contoso.onmicrosoft.com",
  });
}

/** `localhost`, `::1`, 127.0.0.0/8, also written as an IPv4-mapped IPv6 address (`::ffff:127.0.0.1`). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^::ffff:/, "");
  return LOOPBACK_HOSTS.has(host) || /^127(?:\.\d{1,3}){3}$/.test(host);
}

const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const IPV6 = /^[0-9a-f:.]{2,45}$/i;

/** The address the HTTP server listens on: an IPv4 or IPv6 address, or `localhost`. */
export function parseListenHost(text: string): Result<string, Invalid> {
  const host = text
    .trim()
    .replace(/^\[(.*)\]$/, "$1")
    .toLowerCase();
  if (host === "localhost" || IPV4.test(host) || (host.includes(":") && IPV6.test(host))) return ok(host);
  return err({
    reason: "is not an IP address",
    fix: "use 127.0.0.1 (this machine only, the default), 0.0.0.0 (every interface, e.g. in a container) or one interface's address",
  });
}

/** `true`/`false` (also 1/0, yes/no, on/off). */
export function parseBoolean(text: string): Result<boolean, Invalid> {
  const value = text.trim().toLowerCase();
  if (["true", "1", "yes", "on"].includes(value)) return ok(true);
  if (["false", "0", "no", "off"].includes(value)) return ok(false);
  return err({ reason: "is not true or false", fix: "use true or false" });
}

/**
 * An absolute http(s) URL. https is required, except for loopback hosts (emulators and fakes).
 * The result has no trailing slash.
 */
export function parseServiceUrl(text: string): Result<string, Invalid> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return err({ reason: "is not an absolute URL", fix: "use an https:// URL" });
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return err({ reason: `uses ${url.protocol} instead of https:`, fix: "use an https:// URL" });
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    return err({
      reason: "uses plain http",
      fix: "use https:// (plain http is allowed only for 127.0.0.1 or localhost)",
    });
  }
  if (url.username !== "" || url.password !== "") {
    return err({
      reason: "contains credentials",
      fix: "remove user:password@ from the URL; credentials have their own variables",
    });
  }
  if (url.search !== "" || url.hash !== "") {
    return err({ reason: "has a query or fragment", fix: "use the base URL only, without ?… or #…" });
  }
  return ok(url.href.replace(/\/+$/, ""));
}

/** A postgres.js connection URL. Reasons never echo it: it may carry a password. */
export function parsePostgresUrl(text: string): Result<string, Invalid> {
  const fix = "use postgres://user:password@host:5432/database, or unset it to use the embedded database";
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return err({ reason: "is not a URL", fix });
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    return err({ reason: "is not a postgres:// or postgresql:// URL", fix });
  }
  if (url.hostname === "") return err({ reason: "has no host", fix });
  return ok(text);
}

/** `2026-05-01` or a full ISO 8601 timestamp; without a zone, UTC is meant. */
export function parseIsoDate(text: string): Result<Date, Invalid> {
  const fix = "use an ISO date such as 2026-05-01 or 2026-05-01T12:00:00Z (the expiry shown in ABM)";
  if (!ISO_DATE.test(text)) return err({ reason: "is not an ISO date", fix });
  const [year, month, day] = text.slice(0, 10).split("-").map(Number) as [number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  // Date silently rolls 2026-02-31 over into March: refuse days that do not exist.
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
    return err({ reason: "is not a real calendar date", fix });
  }
  const normalized = text.replace(" ", "T");
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(normalized);
  const date = normalized.length === 10 ? calendar : new Date(hasZone ? normalized : `${normalized}Z`);
  if (Number.isNaN(date.getTime())) return err({ reason: "is not a real date and time", fix });
  return ok(date);
}

export function parseChoice<const T extends string>(text: string, choices: readonly T[]): Result<T, Invalid> {
  const found = choices.find((choice) => choice.toLowerCase() === text.toLowerCase());
  if (found === undefined)
    return err({ reason: `is not one of ${choices.join(", ")}`, fix: `use ${choices.join(" or ")}` });
  return ok(found);
}

/** Tokens with a known prefix (`xoxb-`, `xapp-`). Reasons never echo the token. */
export function parsePrefixedToken(text: string, prefix: string, where: string): Result<string, Invalid> {
  if (!text.startsWith(prefix) || text.length <= prefix.length) {
    return err({ reason: `does not start with ${prefix}`, fix: `copy the ${prefix}… token from ${where}` });
  }
  if (/\s/.test(text))
    return err({ reason: "contains whitespace", fix: `copy the ${prefix}… token again, without spaces` });
  return ok(text);
}

/** Any other secret: non-empty, no whitespace inside. Reasons never echo it. */
export function parseSecret(text: string): Result<string, Invalid> {
  if (/\s/.test(text))
    return err({ reason: "contains whitespace", fix: "copy the value again, without spaces or line breaks" });
  return ok(text);
}

export function parsePath(text: string): Result<string, Invalid> {
  if (text.includes("\0")) return err({ reason: "contains a NUL character", fix: "use a plain file path" });
  return ok(text);
}

/** An Apple Business (or School) Manager API account's client id: `BUSINESSAPI.…` / `SCHOOLAPI.…`. */
export function parseAppleClientId(text: string): Result<string, Invalid> {
  if (/^(BUSINESSAPI|SCHOOLAPI)\.[A-Za-z0-9-]{1,100}$/.test(text)) return ok(text);
  return err({
    reason: "is not an Apple API client id (BUSINESSAPI.… or SCHOOLAPI.…)",
    fix: "copy the Client ID shown in ABM → Preferences → API → Manage",
  });
}

/** The key id of an Apple API account's private key (a GUID-like id). */
export function parseAppleKeyId(text: string): Result<string, Invalid> {
  if (/^[A-Za-z0-9-]{1,100}$/.test(text)) return ok(text);
  return err({
    reason: "is not an Apple API key id (letters, digits and dashes)",
    fix: "copy the Key ID shown in ABM → Preferences → API → Manage",
  });
}
