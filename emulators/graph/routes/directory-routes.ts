import { badRequest } from "../../http-json.js";
import type { EmulatorContext, RouteFamily, RouteRequest } from "../context.js";
import { decodeOffset, encodeOffset } from "../delta-tokens.js";
import { sendGraphError, sendGraphJson } from "../http.js";
import { parseEqualityFilter, parseSelect, parseTop } from "../odata.js";
import type { UserRecord } from "../store.js";

const DEFAULT_COLLECTION_PAGE = 100;

/** Sends one page of a collection with Graph's `@odata.nextLink` (`$skiptoken`) paging. */
function sendPage(context: EmulatorContext, request: RouteRequest, odataContext: string, items: readonly unknown[]) {
  const top = parseTop(request.url, DEFAULT_COLLECTION_PAGE);
  const offset = decodeOffset(request.url.searchParams.get("$skiptoken"));
  if (offset === null) throw badRequest("Invalid skip token.");
  const body: Record<string, unknown> = { "@odata.context": odataContext };
  if (items.length > offset + top) {
    const next = new URL(request.url.href);
    next.searchParams.set("$skiptoken", encodeOffset(offset + top));
    body["@odata.nextLink"] = `${context.origin()}${next.pathname}${next.search}`;
  }
  body.value = items.slice(offset, offset + top);
  sendGraphJson(request.res, 200, body);
}

const notFound = (id: string): [number, string, string] => [
  404,
  "Request_ResourceNotFound",
  `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
];

const DELETED_FILTERABLE = new Set(["id", "mail", "userPrincipalName"]);

/** a soft-deleted user as `directory/deletedItems` shows it */
function deletedItem(record: UserRecord, select: readonly string[] | null): Record<string, unknown> {
  const item: Record<string, unknown> = { "@odata.type": "#microsoft.graph.user", id: record.user.id };
  for (const name of select ?? ["displayName", "userPrincipalName", "mail", "deletedDateTime"]) {
    if (name !== "id") item[name] = record.user[name] ?? null;
  }
  return item;
}

/**
 * App-role assignments of the ABM service principal, DIRECT members of groups, a user's DIRECT
 * groups (`memberOf`), and the recycle bin (`directory/deletedItems`, soft-deleted users).
 */
export const directoryRoutes: RouteFamily = (context) => [
  {
    method: "GET",
    path: "/v1.0/servicePrincipals/:id/appRoleAssignedTo",
    kind: "graph",
    handle(request) {
      const id = request.params.id ?? "";
      if (id !== context.identity.servicePrincipalId) {
        sendGraphError(request.res, ...notFound(id));
        return;
      }
      const items = [...context.store.assignments.values()].map((a) => ({
        id: a.id,
        deletedDateTime: null,
        appRoleId: "00000000-0000-0000-0000-000000000000",
        createdDateTime: a.createdDateTime,
        principalDisplayName: a.principalDisplayName,
        principalId: a.principalId,
        principalType: a.principalType,
        resourceDisplayName: "Apple Business Manager",
        resourceId: id,
      }));
      sendPage(
        context,
        request,
        `${context.origin()}/v1.0/$metadata#servicePrincipals('${id}')/appRoleAssignedTo`,
        items,
      );
    },
  },
  {
    method: "GET",
    path: "/v1.0/groups/:id/members",
    kind: "graph",
    handle(request) {
      const id = request.params.id ?? "";
      const group = context.store.groups.get(id);
      if (group === undefined) {
        sendGraphError(request.res, ...notFound(id));
        return;
      }
      const select = parseSelect(request.url);
      const items: Record<string, unknown>[] = [];
      for (const memberId of group.members) {
        const user = context.store.users.get(memberId);
        if (user !== undefined) {
          if (user.state !== "active") continue;
          const item: Record<string, unknown> = { "@odata.type": "#microsoft.graph.user", id: memberId };
          for (const name of select ?? ["displayName", "userPrincipalName", "mail"]) {
            if (name !== "id") item[name] = user.user[name] ?? null;
          }
          items.push(item);
        } else {
          const nested = context.store.groups.get(memberId);
          if (nested === undefined) continue;
          const item: Record<string, unknown> = { "@odata.type": "#microsoft.graph.group", id: memberId };
          if (select === null || select.includes("displayName")) item.displayName = nested.displayName;
          items.push(item);
        }
      }
      sendPage(context, request, `${context.origin()}/v1.0/$metadata#directoryObjects`, items);
    },
  },
  {
    method: "GET",
    path: "/v1.0/users/:id/memberOf",
    kind: "graph",
    handle(request) {
      const id = request.params.id ?? "";
      if (context.store.users.get(id)?.state !== "active") {
        sendGraphError(request.res, ...notFound(id));
        return;
      }
      const items = [...context.store.groups.values()]
        .filter((group) => group.members.has(id))
        .map((group) => ({ "@odata.type": "#microsoft.graph.group", id: group.id, displayName: group.displayName }));
      sendPage(context, request, `${context.origin()}/v1.0/$metadata#directoryObjects`, items);
    },
  },
  {
    method: "GET",
    path: "/v1.0/directory/deletedItems/microsoft.graph.user",
    kind: "graph",
    handle(request) {
      const raw = request.url.searchParams.get("$filter");
      const filter = raw === null ? [] : parseEqualityFilter(raw);
      for (const clause of filter) {
        if (!DELETED_FILTERABLE.has(clause.property)) throw badRequest(`Invalid filter clause: ${raw ?? ""}`);
      }
      const select = parseSelect(request.url);
      const items = [...context.store.users.values()]
        .filter((record) => record.state === "soft_deleted")
        .filter(
          (record) =>
            filter.length === 0 ||
            filter.some((c) => String(record.user[c.property] ?? "").toLowerCase() === c.value.toLowerCase()),
        )
        .map((record) => deletedItem(record, select));
      sendPage(context, request, `${context.origin()}/v1.0/$metadata#directoryObjects`, items);
    },
  },
  {
    method: "GET",
    path: "/v1.0/directory/deletedItems/:id",
    kind: "graph",
    handle(request) {
      const id = request.params.id ?? "";
      const record = context.store.users.get(id);
      if (record?.state !== "soft_deleted") {
        sendGraphError(request.res, ...notFound(id));
        return;
      }
      sendGraphJson(request.res, 200, {
        "@odata.context": `${context.origin()}/v1.0/$metadata#directoryObjects/$entity`,
        ...deletedItem(record, parseSelect(request.url)),
      });
    },
  },
];
