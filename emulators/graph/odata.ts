import { badRequest } from "../http-json.js";
import type { GraphUser } from "./store.js";

/** `$select=a,b` → ["a","b"]; null when absent (Graph then returns its default property set). */
export function parseSelect(url: URL): string[] | null {
  const raw = url.searchParams.get("$select");
  if (raw === null || raw.trim() === "") return null;
  return raw
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
}

const DEFAULT_PROPERTIES = [
  "businessPhones",
  "displayName",
  "givenName",
  "jobTitle",
  "mail",
  "mobilePhone",
  "officeLocation",
  "preferredLanguage",
  "surname",
  "userPrincipalName",
  "id",
] as const;

/** Projects a user on `$select` (or Graph's default set); unknown properties come back null. */
export function project(user: GraphUser, select: readonly string[] | null, only?: ReadonlySet<string>): GraphUser {
  const names = select ?? DEFAULT_PROPERTIES;
  const out: GraphUser = { id: user.id };
  for (const name of names) {
    if (name === "id" || (only !== undefined && !only.has(name))) continue;
    out[name] = user[name] ?? (name === "businessPhones" ? [] : null);
  }
  return out;
}

export function contextUrl(origin: string, entitySet: string, select: readonly string[] | null, suffix = ""): string {
  const selected = select === null ? "" : `(${select.join(",")})`;
  return `${origin}/v1.0/$metadata#${entitySet}${selected}${suffix}`;
}

export interface EqualityFilter {
  readonly property: string;
  readonly value: string;
}

/**
 * The filters the directory source sends: `prop eq 'literal'` (single quotes doubled inside the
 * literal), joined by `or`. Anything else is a 400 like Graph's "Invalid filter clause".
 */
export function parseEqualityFilter(raw: string): EqualityFilter[] {
  const clause = /^\s*([A-Za-z][A-Za-z0-9/]*)\s+eq\s+'((?:[^']|'')*)'\s*/;
  const out: EqualityFilter[] = [];
  let rest = raw;
  for (;;) {
    const match = clause.exec(rest);
    if (match === null) throw badRequest(`Invalid filter clause: ${raw}`);
    out.push({ property: match[1] ?? "", value: (match[2] ?? "").replaceAll("''", "'") });
    rest = rest.slice(match[0].length);
    if (rest.trim() === "") return out;
    const or = /^or\s+/i.exec(rest);
    if (or === null) throw badRequest(`Invalid filter clause: ${raw}`);
    rest = rest.slice(or[0].length);
  }
}

/** `$top` for collections (Graph allows 1..999), defaulting to `fallback`. */
export function parseTop(url: URL, fallback: number): number {
  const raw = url.searchParams.get("$top");
  if (raw === null) return fallback;
  const top = Number(raw);
  if (!Number.isInteger(top) || top < 1 || top > 999) {
    throw badRequest(`Invalid page size specified: '${raw}'. Must be between 1 and 999 inclusive.`);
  }
  return top;
}
