import { AppError } from "#core/errors.js";
import type { UserLookup } from "#core/ports/directory-source.js";
import { err, ok, type Result } from "#core/result.js";
import type { SourceUser } from "#core/users.js";
import type { GraphRequester } from "./graph-requester.js";
import { equalityFilter } from "./odata.js";
import { GraphUserSchema, UserListSchema } from "./schemas.js";
import { topLevelSelect, toSourceUser } from "./user-attributes.js";

const READ_USER = { what: "look up a user", permission: "User.Read.All" } as const;

/**
 * One Entra user with exactly the requested flattened attributes (`employeeOrgData.costCenter`…):
 * by id (`/users/{id}`; 404 → null) or by UPN / mail (`$filter … eq '…'`; two matches →
 * `graph.ambiguous_lookup`).
 */
export async function lookupUser(
  requester: GraphRequester,
  lookup: UserLookup,
  select: readonly string[],
): Promise<Result<SourceUser | null, AppError>> {
  const selected = topLevelSelect(select).join(",");
  if (lookup.by === "id") {
    const found = await requester.get(
      `/users/${encodeURIComponent(lookup.value)}?$select=${selected}`,
      GraphUserSchema,
      READ_USER,
    );
    if (found.ok) return ok(toSourceUser(found.value, select));
    return found.error.code === "graph.not_found" ? ok(null) : found;
  }
  const filter = equalityFilter(lookup.by, lookup.value);
  const list = await requester.get(`/users?$filter=${filter}&$select=${selected}&$top=2`, UserListSchema, READ_USER);
  if (!list.ok) return list;
  const [first, second] = list.value.value;
  if (second !== undefined) {
    return err(
      new AppError("graph.ambiguous_lookup", `More than one Entra user has ${lookup.by} ${lookup.value}.`, {
        context: { by: lookup.by },
      }),
    );
  }
  return ok(first === undefined ? null : toSourceUser(first, select));
}
