import type { Clock } from "#core/clock.js";
import { AppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import type { DirectorySource, UserLookup } from "#core/ports/directory-source.js";
import { err, ok } from "#core/result.js";
import type { SourceUser } from "#core/users.js";
import { readAssignedScope } from "./assigned-scope.js";
import { createGraphClient } from "./graph-client.js";
import { createGraphRequester, type RetryPolicy } from "./graph-requester.js";
import { equalityFilter } from "./odata.js";
import { readUserChanges } from "./read-changes.js";
import { GraphUserSchema, StringCollectionSchema, UserListSchema } from "./schemas.js";
import { topLevelSelect, toSourceUser } from "./user-attributes.js";

export interface GraphDirectorySourceOptions {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** AZURE_AUTHORITY_HOST, e.g. https://login.microsoftonline.com */
  readonly authorityHost: string;
  /** GRAPH_BASE_URL, e.g. https://graph.microsoft.com */
  readonly graphBaseUrl: string;
  /** ABM_SERVICE_PRINCIPAL_ID; needed by readAssignedScope only */
  readonly servicePrincipalId?: string;
  /** users per delta page asked for with `Prefer: odata.maxpagesize` (Graph caps it); default 200 */
  readonly pageSize?: number;
  /** PEM of an extra CA to trust (the in-process emulator); omit in real deployments */
  readonly trustedCaPem?: string;
  readonly retry?: RetryPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
}

export interface GraphDirectorySource extends DirectorySource {
  /** releases the connection pool */
  close(): Promise<void>;
}

/**
 * Entra ID read through Microsoft Graph. Scope `all` is every user the users delta returns —
 * members and guests alike, as Entra's "Sync all users and groups" does; `assigned` narrows it
 * with readAssignedScope().
 */
export function createGraphDirectorySource(options: GraphDirectorySourceOptions): GraphDirectorySource {
  const logger = options.logger.child({ adapter: "graph" });
  const handle = createGraphClient({
    tenantId: options.tenantId,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    authorityHost: options.authorityHost,
    graphBaseUrl: options.graphBaseUrl,
    ...(options.trustedCaPem === undefined ? {} : { trustedCaPem: options.trustedCaPem }),
  });
  const requester = createGraphRequester({
    client: handle.client,
    clock: options.clock,
    logger,
    scope: { tenantId: options.tenantId, clientId: options.clientId, clientSecret: options.clientSecret },
    ...(options.retry === undefined ? {} : { retry: options.retry }),
  });
  const readUser = { what: "look up a user", permission: "User.Read.All" } as const;

  return {
    readChanges: (input) => readUserChanges({ requester, logger, pageSize: options.pageSize ?? 200 }, input),

    readAssignedScope: (signal) =>
      readAssignedScope({ requester, logger, servicePrincipalId: options.servicePrincipalId }, signal),

    async lookupUser(lookup: UserLookup, select: readonly string[]) {
      const selected = topLevelSelect(select).join(",");
      if (lookup.by === "id") {
        const found = await requester.get(
          `/users/${encodeURIComponent(lookup.value)}?$select=${selected}`,
          GraphUserSchema,
          readUser,
        );
        if (found.ok) return ok(toSourceUser(found.value, select));
        return found.error.code === "graph.not_found" ? ok(null) : found;
      }
      const filter = equalityFilter(lookup.by, lookup.value);
      const list = await requester.get(`/users?$filter=${filter}&$select=${selected}&$top=2`, UserListSchema, readUser);
      if (!list.ok) return list;
      const [first, second] = list.value.value;
      if (second !== undefined) {
        return err(
          new AppError("graph.ambiguous_lookup", `More than one Entra user has ${lookup.by} ${lookup.value}.`, {
            context: { by: lookup.by },
          }),
        );
      }
      return ok(first === undefined ? null : (toSourceUser(first, select) satisfies SourceUser));
    },

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

    close: () => handle.close(),
  };
}
