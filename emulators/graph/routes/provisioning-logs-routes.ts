import { badRequest } from "../../http-json.js";
import type { RouteFamily } from "../context.js";
import { decodeOffset, encodeOffset } from "../delta-tokens.js";
import { sendGraphJson } from "../http.js";
import { parseTop } from "../odata.js";
import type { LogEntry } from "../synchronization-store.js";
import { allowed } from "./synchronization-routes.js";

const AUDIT_PERMISSION = "AuditLog.Read.All";
const DEFAULT_PAGE = 50;

type Operator = "eq" | "gt" | "ge" | "lt" | "le";

interface Clause {
  readonly property: string;
  readonly operator: Operator;
  readonly value: string;
}

const FIELDS: Readonly<Record<string, (entry: LogEntry) => string>> = {
  jobId: (e) => e.jobId,
  activityDateTime: (e) => e.activityDateTime,
  "provisioningStatusInfo/status": (e) => e.status,
  "sourceIdentity/id": (e) => e.sourceId,
  id: (e) => e.id,
};

/** `a eq 'x' and activityDateTime ge 2024-01-01T00:00:00Z and …` — the subset the adapter sends. */
function parseFilter(raw: string): Clause[] {
  const clause = /^\s*([A-Za-z][A-Za-z/]*)\s+(eq|gt|ge|lt|le)\s+('(?:[^']|'')*'|[0-9][0-9T:.Z+-]*)\s*/;
  const out: Clause[] = [];
  let rest = raw;
  for (;;) {
    const match = clause.exec(rest);
    const property = match?.[1] ?? "";
    if (match === null || FIELDS[property] === undefined) throw badRequest(`Invalid filter clause: ${raw}`);
    const literal = match[3] ?? "";
    const value = literal.startsWith("'") ? literal.slice(1, -1).replaceAll("''", "'") : literal;
    out.push({ property, operator: match[2] as Operator, value });
    rest = rest.slice(match[0].length);
    if (rest.trim() === "") return out;
    const and = /^and\s+/i.exec(rest);
    if (and === null) throw badRequest(`Invalid filter clause: ${raw}`);
    rest = rest.slice(and[0].length);
  }
}

function matches(entry: LogEntry, clause: Clause): boolean {
  const read = FIELDS[clause.property];
  if (read === undefined) return false;
  const actual = read(entry);
  if (clause.property === "activityDateTime") {
    const a = Date.parse(actual);
    const b = Date.parse(clause.value);
    if (Number.isNaN(b)) throw badRequest(`Invalid DateTimeOffset: ${clause.value}`);
    return compare(a - b, clause.operator);
  }
  return compare(actual === clause.value ? 0 : actual < clause.value ? -1 : 1, clause.operator);
}

function compare(diff: number, operator: Operator): boolean {
  switch (operator) {
    case "eq":
      return diff === 0;
    case "gt":
      return diff > 0;
    case "ge":
      return diff >= 0;
    case "lt":
      return diff < 0;
    case "le":
      return diff <= 0;
  }
}

/** `GET /v1.0/auditLogs/provisioning`: `$filter` (and-ed clauses), `$orderby=activityDateTime asc|desc`, `$top`, paging. */
export const provisioningLogsRoutes: RouteFamily = (context) => [
  {
    method: "GET",
    path: "/v1.0/auditLogs/provisioning",
    kind: "graph",
    handle(request) {
      if (!allowed(context, request, AUDIT_PERMISSION)) return;
      const { url } = request;
      const rawFilter = url.searchParams.get("$filter");
      const clauses = rawFilter === null ? [] : parseFilter(rawFilter);
      const ascending = /activityDateTime\s+asc/i.test(url.searchParams.get("$orderby") ?? "");
      const items = context.synchronization.logs
        .filter((entry) => clauses.every((clause) => matches(entry, clause)))
        .sort((a, b) => {
          const diff = Date.parse(a.activityDateTime) - Date.parse(b.activityDateTime);
          return (ascending ? diff : -diff) || a.id.localeCompare(b.id);
        });
      const top = parseTop(url, DEFAULT_PAGE);
      const offset = decodeOffset(url.searchParams.get("$skiptoken"));
      if (offset === null) throw badRequest("Invalid skip token.");
      const body: Record<string, unknown> = {
        "@odata.context": `${context.origin()}/v1.0/$metadata#auditLogs/provisioning`,
      };
      if (items.length > offset + top) {
        const next = new URL(url.href);
        next.searchParams.set("$skiptoken", encodeOffset(offset + top));
        body["@odata.nextLink"] = `${context.origin()}${next.pathname}${next.search}`;
      }
      body.value = items.slice(offset, offset + top).map((entry) => entry.body);
      sendGraphJson(request.res, 200, body);
    },
  },
];
