import type { PlannedUser } from "../sync/op-builders.js";
import type { LinkState } from "../sync/operations.js";
import type { EngineStore } from "./engine-store.js";

/**
 * The links an incremental cycle with scope `all` needs, instead of every link (reading 100,000
 * links costs seconds): those of the users and removals in the cycle (by Entra id) and, for users
 * without a link, the links holding their userName (the planner's "held by another Entra user"
 * check). Nothing else in such a cycle looks at a link: it has no ABM listing to match and no
 * scope to leave. Full cycles and the `assigned` scope still read every link. Users with problems
 * are skipped whatever links exist, so their userName (which may hold characters the database
 * refuses) is never looked up.
 */
export async function linksForCycle(
  store: EngineStore,
  entraIds: Iterable<string>,
  planned: readonly PlannedUser[],
): Promise<LinkState[]> {
  const byId = await store.linksFor([...new Set(entraIds)]);
  const found = new Map(byId.map((link) => [link.entraId, link] as const));
  const names = planned
    .filter((user) => !found.has(user.entraId) && user.target.userName !== "" && user.problems.length === 0)
    .map((user) => user.target.userName);
  const byName = names.length === 0 ? [] : await store.linksForUserNames(names);
  for (const link of byName) if (!found.has(link.entraId)) found.set(link.entraId, link);
  return [...found.values()];
}
