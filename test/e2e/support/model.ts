import { z } from "zod";
import type { AbmEmulator } from "#emulators/abm/server.js";
import type { GraphEmulator } from "#emulators/graph/start-graph-emulator.js";

/**
 * An independent model of what ABM must hold, computed from the Graph emulator's tenant (not with
 * the engine's own mapping or validation code), and a zod view of what the ABM emulator holds.
 */
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

const abmUserSchema = z.object({
  id: z.string(),
  userName: z.string(),
  externalId: z.string().optional(),
  active: z.boolean(),
  name: z.object({ givenName: z.string().optional(), familyName: z.string().optional() }).optional(),
  emails: z.array(z.object({ value: z.string().optional(), type: z.string().optional() })).optional(),
  locale: z.string().optional(),
  [ENTERPRISE]: z
    .object({
      employeeNumber: z.string().optional(),
      department: z.string().optional(),
      costCenter: z.string().optional(),
      division: z.string().optional(),
    })
    .optional(),
  meta: z.object({ version: z.string() }),
});

export interface AbmUser {
  readonly id: string;
  readonly userName: string;
  readonly externalId: string | null;
  readonly active: boolean;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly email: string | null;
  readonly department: string | null;
  readonly version: string;
}

export function abmUsers(abm: AbmEmulator): AbmUser[] {
  return abm.users().map((raw) => {
    const u = abmUserSchema.parse(raw);
    return {
      id: u.id,
      userName: u.userName,
      externalId: u.externalId ?? null,
      active: u.active,
      givenName: u.name?.givenName ?? null,
      familyName: u.name?.familyName ?? null,
      email: u.emails?.[0]?.value ?? null,
      department: u[ENTERPRISE]?.department ?? null,
      version: u.meta.version,
    };
  });
}

/** userNames (case-insensitive) and externalIds that occur more than once in ABM. */
export function duplicatesIn(users: readonly AbmUser[]): string[] {
  const seen = new Set<string>();
  const dups: string[] = [];
  for (const u of users) {
    for (const key of [
      `userName:${u.userName.toLowerCase()}`,
      u.externalId === null ? null : `externalId:${u.externalId}`,
    ]) {
      if (key === null) continue;
      if (seen.has(key)) dups.push(key);
      seen.add(key);
    }
  }
  return dups;
}

export function byExternalId(users: readonly AbmUser[]): Map<string, AbmUser> {
  return new Map(users.filter((u) => u.externalId !== null).map((u) => [u.externalId as string, u] as const));
}

/** Entra ids in scope: everybody (`all`), or direct assignments plus DIRECT user members of assigned groups. */
export function scopeIds(graph: GraphEmulator, scope: "all" | "assigned"): Set<string> {
  const store = graph.store;
  const active = [...store.users.values()].filter((r) => r.state === "active").map((r) => r.user.id);
  if (scope === "all") return new Set(active);
  const activeSet = new Set(active);
  const ids = new Set<string>();
  for (const assignment of store.assignments.values()) {
    if (activeSet.has(assignment.principalId)) ids.add(assignment.principalId);
    const group = store.groups.get(assignment.principalId);
    for (const member of group?.members ?? []) if (activeSet.has(member)) ids.add(member);
  }
  return ids;
}

const text = (value: unknown): string | null =>
  typeof value === "string" && value.trim() !== "" ? value.trim() : null;

export interface ExpectedUser {
  readonly entraId: string;
  readonly userName: string;
  readonly active: boolean;
  readonly givenName: string;
  readonly familyName: string;
  readonly department: string | null;
}

/**
 * The users ABM's rules accept, among `ids`: a given name and a surname, a UPN that is an address
 * in the verified domain (no guest #EXT#), and a UPN no other user in `ids` has.
 */
export function validUsers(graph: GraphEmulator, ids: ReadonlySet<string>): Map<string, ExpectedUser> {
  const candidates: ExpectedUser[] = [];
  const counts = new Map<string, number>();
  for (const id of ids) {
    const user = graph.store.users.get(id)?.user;
    if (user === undefined) continue;
    const upn = text(user.userPrincipalName);
    if (upn !== null) counts.set(upn.toLowerCase(), (counts.get(upn.toLowerCase()) ?? 0) + 1);
    const givenName = text(user.givenName);
    const familyName = text(user.surname);
    if (upn === null || givenName === null || familyName === null) continue;
    if (upn.includes("#EXT#") || !upn.toLowerCase().endsWith(`@${graph.verifiedDomain}`)) continue;
    candidates.push({
      entraId: id,
      userName: upn,
      active: user.accountEnabled !== false,
      givenName,
      familyName,
      department: text(user.department),
    });
  }
  return new Map(
    candidates.filter((c) => counts.get(c.userName.toLowerCase()) === 1).map((c) => [c.entraId, c] as const),
  );
}

/** Every id in `ids` that `validUsers` rejects. */
export function invalidIds(graph: GraphEmulator, ids: ReadonlySet<string>): Set<string> {
  const valid = validUsers(graph, ids);
  return new Set([...ids].filter((id) => !valid.has(id)));
}
