import { z } from "zod";
import { badRequest, readJson } from "../../http-json.js";
import type { EmulatorContext, RouteFamily } from "../context.js";
import { decodeOffset, encodeOffset } from "../delta-tokens.js";
import { sendGraphError, sendGraphJson } from "../http.js";
import { contextUrl, parseEqualityFilter, parseSelect, parseTop, project } from "../odata.js";
import type { UserRecord } from "../store.js";
import { handleUsersDelta } from "./users-delta.js";

const FILTERABLE = new Set(["id", "userPrincipalName", "mail", "employeeId", "displayName", "userType"]);

const CheckMemberGroupsSchema = z.object({ groupIds: z.array(z.string()).min(1).max(20) });

function notFound(id: string): [number, string, string] {
  return [
    404,
    "Request_ResourceNotFound",
    `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
  ];
}

/** an active user by object id or userPrincipalName (Graph accepts either in the path) */
function findActiveUser(context: EmulatorContext, idOrUpn: string): UserRecord | null {
  const byId = context.store.users.get(idOrUpn);
  if (byId !== undefined) return byId.state === "active" ? byId : null;
  const upn = idOrUpn.toLowerCase();
  for (const record of context.store.users.values()) {
    if (record.state === "active" && String(record.user.userPrincipalName ?? "").toLowerCase() === upn) return record;
  }
  return null;
}

/** `/v1.0/users/...`: delta, one user, filtered lists, checkMemberGroups. */
export const usersRoutes: RouteFamily = (context) => [
  { method: "GET", path: "/v1.0/users/delta", kind: "graph", handle: (request) => handleUsersDelta(context, request) },
  {
    method: "GET",
    path: "/v1.0/users/microsoft.graph.delta()",
    kind: "graph",
    handle: (request) => handleUsersDelta(context, request),
  },
  {
    method: "GET",
    path: "/v1.0/users",
    kind: "graph",
    handle({ url, res }) {
      const select = parseSelect(url);
      const rawFilter = url.searchParams.get("$filter");
      const filter = rawFilter === null ? [] : parseEqualityFilter(rawFilter);
      for (const clause of filter) {
        if (!FILTERABLE.has(clause.property)) {
          throw badRequest(
            `Unsupported or invalid query filter clause specified for property '${clause.property}' of resource 'User'.`,
          );
        }
      }
      const top = parseTop(url, 100);
      const offset = decodeOffset(url.searchParams.get("$skiptoken"));
      if (offset === null) throw badRequest("Invalid skip token.");
      const matches: UserRecord[] = [];
      for (const id of context.store.order) {
        const record = context.store.users.get(id);
        if (record?.state !== "active") continue;
        const hit =
          filter.length === 0 ||
          filter.some(
            (clause) => String(record.user[clause.property] ?? "").toLowerCase() === clause.value.toLowerCase(),
          );
        if (hit) matches.push(record);
        if (matches.length > offset + top) break;
      }
      const page = matches.slice(offset, offset + top);
      const body: Record<string, unknown> = { "@odata.context": contextUrl(context.origin(), "users", select) };
      if (matches.length > offset + top) {
        const next = new URL(url.href);
        next.searchParams.set("$skiptoken", encodeOffset(offset + top));
        body["@odata.nextLink"] = `${context.origin()}${next.pathname}${next.search}`;
      }
      body.value = page.map((record) => project(record.user, select));
      sendGraphJson(res, 200, body);
    },
  },
  {
    method: "GET",
    path: "/v1.0/users/:id",
    kind: "graph",
    handle({ url, res, params }) {
      const id = params.id ?? "";
      const record = findActiveUser(context, id);
      if (record === null) {
        sendGraphError(res, ...notFound(id));
        return;
      }
      const select = parseSelect(url);
      sendGraphJson(res, 200, {
        "@odata.context": contextUrl(context.origin(), "users", select, "/$entity"),
        ...project(record.user, select),
      });
    },
  },
  {
    method: "POST",
    path: "/v1.0/users/:id/checkMemberGroups",
    kind: "graph",
    async handle({ req, res, params }) {
      const id = params.id ?? "";
      const record = findActiveUser(context, id);
      if (record === null) {
        sendGraphError(res, ...notFound(id));
        return;
      }
      const parsed = CheckMemberGroupsSchema.safeParse(await readJson(req));
      if (!parsed.success) throw badRequest("Invalid request body: groupIds must list 1 to 20 group ids.");
      const groups = context.store.transitiveGroupsOf(record.user.id);
      sendGraphJson(res, 200, {
        "@odata.context": `${context.origin()}/v1.0/$metadata#Collection(Edm.String)`,
        value: parsed.data.groupIds.filter((groupId) => groups.has(groupId)),
      });
    },
  },
];
