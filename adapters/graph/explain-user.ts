import { AppError } from "#core/errors.js";
import type { AssignmentPath, DeletedUser, GroupRef } from "#core/ports/directory-source.js";
import { err, ok, type Result } from "#core/result.js";
import type { GraphRequester } from "./graph-requester.js";
import { equalityFilter } from "./odata.js";
import { readAllPages } from "./paging.js";
import {
  AssignmentPageSchema,
  DeletedUserListSchema,
  DeletedUserSchema,
  MemberPageSchema,
  StringCollectionSchema,
} from "./schemas.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** checkMemberGroups takes at most 20 group ids per call */
const CHECK_BATCH = 20;
const GROUP_TYPE = "#microsoft.graph.group";

/**
 * How ONE user reaches the app's assignments, for `why`: the assignments of the app (with the
 * principals' names), the user's DIRECT groups (`memberOf`), and, for the assigned groups it is not
 * a direct member of, a transitive check (`checkMemberGroups`) that names the nested groups the
 * provisioning service does not count. A few requests, whatever the size of the groups.
 */
export async function explainAssignment(
  requester: GraphRequester,
  servicePrincipalId: string | undefined,
  userId: string,
): Promise<Result<AssignmentPath, AppError>> {
  if (servicePrincipalId === undefined || servicePrincipalId === "") {
    return err(
      new AppError(
        "graph.not_configured",
        "The assigned scope needs the object id of the Apple Business Manager enterprise app (ABM_SERVICE_PRINCIPAL_ID).",
      ),
    );
  }
  const assignments = await readAllPages(
    requester,
    `/servicePrincipals/${encodeURIComponent(servicePrincipalId)}/appRoleAssignedTo?$select=principalId,principalType,principalDisplayName&$top=999`,
    AssignmentPageSchema,
    { what: "read the app's user and group assignments", permission: "Application.Read.All" },
  );
  if (!assignments.ok) return assignments;
  let direct = false;
  const assignedGroups = new Map<string, GroupRef>();
  for (const a of assignments.value) {
    if (a.principalType === "User" && a.principalId === userId) direct = true;
    if (a.principalType === "Group")
      assignedGroups.set(a.principalId, { id: a.principalId, displayName: a.principalDisplayName ?? null });
  }
  if (assignedGroups.size === 0) return ok({ direct, groups: [], nestedGroups: [] });
  const memberOf = await readAllPages(
    requester,
    `/users/${encodeURIComponent(userId)}/memberOf?$select=id,displayName&$top=999`,
    MemberPageSchema,
    { what: "read the user's direct groups", permission: "GroupMember.Read.All" },
  );
  if (!memberOf.ok) return memberOf;
  const groups: GroupRef[] = [];
  for (const m of memberOf.value) {
    const assigned = assignedGroups.get(m.id);
    if (assigned === undefined || (m["@odata.type"] !== undefined && m["@odata.type"] !== GROUP_TYPE)) continue;
    groups.push({ id: m.id, displayName: assigned.displayName ?? m.displayName ?? null });
    assignedGroups.delete(m.id);
  }
  const nestedGroups: GroupRef[] = [];
  const rest = [...assignedGroups.values()];
  for (let i = 0; i < rest.length; i += CHECK_BATCH) {
    const batch = rest.slice(i, i + CHECK_BATCH);
    const checked = await requester.post(
      `/users/${encodeURIComponent(userId)}/checkMemberGroups`,
      { groupIds: batch.map((g) => g.id) },
      StringCollectionSchema,
      { what: "check the user's nested group memberships", permission: "GroupMember.Read.All" },
    );
    if (!checked.ok) return checked;
    const hits = new Set(checked.value.value);
    nestedGroups.push(...batch.filter((g) => hits.has(g.id)));
  }
  return ok({ direct, groups, nestedGroups });
}

const READ_DELETED = { what: "look up a deleted user", permission: "User.Read.All" } as const;
const DELETED_SELECT = "$select=id,userPrincipalName,deletedDateTime";

/**
 * A user in Entra's recycle bin: by object id, or by mail (a soft-deleted user's userPrincipalName
 * is prefixed with its object id, so an address is found by `mail`). Null when there is none.
 */
export async function findDeletedUser(
  requester: GraphRequester,
  query: string,
): Promise<Result<DeletedUser | null, AppError>> {
  if (GUID.test(query)) {
    const found = await requester.get(
      `/directory/deletedItems/${encodeURIComponent(query)}?${DELETED_SELECT}`,
      DeletedUserSchema,
      READ_DELETED,
    );
    if (found.ok) return ok(deletedUser(found.value));
    return found.error.code === "graph.not_found" ? ok(null) : found;
  }
  const list = await requester.get(
    `/directory/deletedItems/microsoft.graph.user?$filter=${equalityFilter("mail", query)}&${DELETED_SELECT}&$top=1`,
    DeletedUserListSchema,
    READ_DELETED,
  );
  if (!list.ok) return list;
  const [first] = list.value.value;
  return ok(first === undefined ? null : deletedUser(first));
}

function deletedUser(raw: {
  id: string;
  userPrincipalName?: string | null | undefined;
  deletedDateTime?: string | null | undefined;
}): DeletedUser {
  return { id: raw.id, userPrincipalName: raw.userPrincipalName ?? null, deletedAt: raw.deletedDateTime ?? null };
}
