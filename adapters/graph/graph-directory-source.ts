import type { Logger } from "#core/logger.js";
import type { DirectorySource } from "#core/ports/directory-source.js";
import { ok } from "#core/result.js";
import { readAssignedScope } from "./assigned-scope.js";
import { explainAssignment, findDeletedUser } from "./explain-user.js";
import type { GraphRequester } from "./graph-requester.js";
import { lookupUser } from "./lookup-user.js";
import { readUserChanges } from "./read-changes.js";
import { StringCollectionSchema } from "./schemas.js";

export interface GraphDirectorySourceOptions {
  /** the process's one Graph requester (connectGraph) */
  readonly requester: GraphRequester;
  /** ABM_SERVICE_PRINCIPAL_ID; needed by readAssignedScope only */
  readonly servicePrincipalId?: string;
  /** users per delta page asked for with `Prefer: odata.maxpagesize` (Graph caps it); default 200 */
  readonly pageSize?: number;
  readonly logger: Logger;
}

/**
 * Entra ID read through Microsoft Graph. Scope `all` is every user the users delta returns —
 * members and guests alike, as Entra's "Sync all users and groups" does; `assigned` narrows it
 * with readAssignedScope(). It owns nothing: whoever built the Graph connection closes it.
 */
export function createGraphDirectorySource(options: GraphDirectorySourceOptions): DirectorySource {
  const { requester } = options;
  const logger = options.logger.child({ adapter: "graph" });
  return {
    readChanges: (input) => readUserChanges({ requester, logger, pageSize: options.pageSize ?? 200 }, input),

    readAssignedScope: (signal) =>
      readAssignedScope({ requester, logger, servicePrincipalId: options.servicePrincipalId }, signal),

    lookupUser: (lookup, select) => lookupUser(requester, lookup, select),

    explainAssignment: (userId) => explainAssignment(requester, options.servicePrincipalId, userId),

    findDeletedUser: (query) => findDeletedUser(requester, query),

    async isMemberOfGroup(userId: string, groupId: string) {
      const checked = await requester.post(
        `/users/${encodeURIComponent(userId)}/checkMemberGroups`,
        { groupIds: [groupId] },
        StringCollectionSchema,
        { what: "check a group membership", permission: "GroupMember.Read.All" },
      );
      if (checked.ok) return ok(checked.value.value.includes(groupId));
      return checked.error.code === "graph.not_found" ? ok(false) : checked;
    },
  };
}
