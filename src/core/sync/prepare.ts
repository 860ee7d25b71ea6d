import type { SourceUser } from "../users.js";
import type { AttributeMap } from "./attribute-map.js";
import { mapUser } from "./mapping.js";
import type { PlannedUser } from "./op-builders.js";
import { validateUsers } from "./validation.js";

export interface PrepareOptions {
  /** domains verified in ABM (`ABM_VERIFIED_DOMAINS`); empty or absent: no domain check */
  readonly verifiedDomains?: readonly string[] | null;
}

/**
 * Maps every source user in scope and validates them together (duplicate userNames are found
 * across the whole list, so pass everybody in scope on full cycles).
 */
export function prepareUsers(
  sources: readonly SourceUser[],
  map: AttributeMap,
  options: PrepareOptions = {},
): PlannedUser[] {
  const mapped = sources.map((source) => ({ entraId: source.id, target: mapUser(source, map) }));
  const problems = validateUsers(mapped, { map, verifiedDomains: options.verifiedDomains ?? null });
  return mapped.map((user) => ({ ...user, problems: problems.get(user.entraId) ?? [] }));
}
