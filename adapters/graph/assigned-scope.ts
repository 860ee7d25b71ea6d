import { AppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import type { ScopeSnapshot } from "#core/ports/directory-source.js";
import { err, ok, type Result } from "#core/result.js";
import type { GraphRequester } from "./graph-requester.js";
import { readAllPages } from "./paging.js";
import { AssignmentPageSchema, MemberPageSchema } from "./schemas.js";

export interface AssignedScopeDeps {
  readonly requester: GraphRequester;
  readonly logger: Logger;
  readonly servicePrincipalId: string | undefined;
}

/**
 * Who the "Apple Business Manager" enterprise app is assigned to: users assigned directly, plus
 * the DIRECT user members of assigned groups. Nested groups are not expanded (neither Entra
 * provisioning nor ABM supports them).
 *
 * Re-read every cycle rather than tracking groups delta: it costs 1 request per 999 assignments
 * plus 1 per assigned group per 999 members — tens of requests for typical tenants — while
 * assignments have no delta at all (so they would be re-read anyway) and a groups delta with
 * members would add a second watermark and membership bookkeeping for little saving.
 */
export async function readAssignedScope(
  deps: AssignedScopeDeps,
  signal?: AbortSignal,
): Promise<Result<ScopeSnapshot, AppError>> {
  if (deps.servicePrincipalId === undefined || deps.servicePrincipalId === "") {
    return err(
      new AppError(
        "graph.not_configured",
        "The assigned scope needs the object id of the Apple Business Manager enterprise app (ABM_SERVICE_PRINCIPAL_ID).",
      ),
    );
  }
  const withSignal = signal === undefined ? {} : { signal };
  const assignments = await readAllPages(
    deps.requester,
    `/servicePrincipals/${encodeURIComponent(deps.servicePrincipalId)}/appRoleAssignedTo?$select=principalId,principalType&$top=999`,
    AssignmentPageSchema,
    { what: "read the app's user and group assignments", permission: "Application.Read.All", ...withSignal },
  );
  if (!assignments.ok) return assignments;
  const assignedUserIds = new Set<string>();
  const assignedGroupIds = new Set<string>();
  for (const assignment of assignments.value) {
    if (assignment.principalType === "User") assignedUserIds.add(assignment.principalId);
    else if (assignment.principalType === "Group") assignedGroupIds.add(assignment.principalId);
  }
  const userIds = new Set(assignedUserIds);
  for (const groupId of assignedGroupIds) {
    const members = await readAllPages(
      deps.requester,
      `/groups/${encodeURIComponent(groupId)}/members?$select=id&$top=999`,
      MemberPageSchema,
      { what: `read the direct members of group ${groupId}`, permission: "GroupMember.Read.All", ...withSignal },
    );
    if (!members.ok) {
      if (members.error.code === "graph.not_found") {
        deps.logger.warn({ groupId }, "assigned group no longer exists; skipped");
        continue;
      }
      return members;
    }
    for (const member of members.value) {
      if (member["@odata.type"] === "#microsoft.graph.user") userIds.add(member.id);
    }
  }
  return ok({ userIds, assignedGroupIds: [...assignedGroupIds], assignedUserIds: [...assignedUserIds] });
}
