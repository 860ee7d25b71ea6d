import { AppError } from "../errors.js";
import type { ScimTarget } from "../ports/scim-target.js";
import { err, ok, type Result } from "../result.js";
import { attributeHash, toTargetUser } from "../sync/mapping.js";
import type { LinkState } from "../sync/operations.js";
import type { PlannedUser, TargetIndex, TargetRecord } from "../sync/planner.js";
import type { TargetUser } from "../users.js";
import type { AbmEntry, AbmIndex } from "./abm-index.js";
import type { EngineStore } from "./engine-store.js";

/** What one part of a full cycle plans against: the links and the ABM users its users need. */
export interface PartTargets {
  readonly links: readonly LinkState[];
  readonly targets: TargetIndex;
}

export interface PartNeeds {
  readonly users: readonly PlannedUser[];
  /** escrowed users without a link that left (the `end` part): the ABM user carrying their externalId */
  readonly unconfirmed?: readonly string[];
  /** links of users that left (the `removals` part): their ABM users */
  readonly leaving?: readonly LinkState[];
  /** users an earlier part of this cycle planned: a link may point at an ABM user it created */
  readonly revisited?: ReadonlySet<string>;
  /** the store held no link as the cycle began (a first sync): only users read again may have one */
  readonly noLinksBefore?: boolean;
}

interface Deps {
  readonly store: Pick<EngineStore, "linksFor" | "linksForScimIds">;
  readonly target: Pick<ScimTarget, "get">;
  readonly concurrency: number;
}

/**
 * The links and ABM users one part's planning reads, and nothing else: the users' own links and
 * linked ABM users, the ABM users matching them by externalId then userName (with the links that
 * own those), as the planner looks them up. The index keeps only a hash of each ABM user; its
 * fields are rebuilt from a state with the same hash (the user's target, the state a link last
 * pushed) and read from ABM only when none matches (ABM changed outside the sync, or an ABM user
 * made by someone else is adopted). The planner's lookups answer what the whole index answers and
 * throw on a user this part did not prepare (a planner/preparation mismatch, never silently wrong).
 */
export async function partTargets(
  deps: Deps,
  index: AbmIndex,
  needs: PartNeeds,
): Promise<Result<PartTargets, AppError>> {
  const wanted = new Wanted();
  const ids = [...needs.users.map((u) => u.entraId), ...(needs.unconfirmed ?? [])];
  const mayHaveLinks = needs.noLinksBefore === true ? ids.filter((id) => needs.revisited?.has(id) === true) : ids;
  const own = mayHaveLinks.length === 0 ? [] : await deps.store.linksFor(mayHaveLinks);
  const linkOf = new Map(own.map((l) => [l.entraId, l] as const));
  const created = await indexCreated(deps, index, [...own, ...(needs.leaving ?? [])], needs.revisited);
  if (!created.ok) return err(created.error);
  for (const user of needs.users) wantFor(index, wanted, user, linkOf.get(user.entraId));
  for (const id of needs.unconfirmed ?? []) wanted.match(index.byExternalId(id));
  for (const link of needs.leaving ?? []) wanted.add(index.byId(link.scimId), link.lastPushed);
  const owners = wanted.matched.size === 0 ? [] : await deps.store.linksForScimIds([...wanted.matched]);
  const links = new Map([...(needs.leaving ?? []), ...own].map((l) => [l.entraId, l] as const));
  for (const owner of owners) {
    if (!links.has(owner.entraId)) links.set(owner.entraId, owner);
    wanted.add(index.byId(owner.scimId), owner.lastPushed);
  }
  const records = await resolve(deps, wanted);
  if (!records.ok) return err(records.error);
  return ok({ links: [...links.values()], targets: lookups(index, records.value) });
}

/**
 * Links of users an earlier part planned may point at ABM users this cycle created, which the index
 * leaves out: those are read from ABM and indexed (rare: a delta that returns a user twice).
 */
async function indexCreated(
  deps: Deps,
  index: AbmIndex,
  links: readonly LinkState[],
  revisited: ReadonlySet<string> | undefined,
): Promise<Result<void, AppError>> {
  if (revisited === undefined || revisited.size === 0) return ok(undefined);
  for (const link of links) {
    if (!revisited.has(link.entraId) || index.byId(link.scimId) !== undefined) continue;
    const found = await deps.target.get(link.scimId);
    if (!found.ok) return err(found.error);
    if (found.value !== null) index.add(found.value);
  }
  return ok(undefined);
}

/**
 * The ABM users the planner reads for `user` (planSync: planUsers, then planMatches): its linked
 * user; a disabled user without a link, the one carrying its externalId; an enabled valid user,
 * also those matching it by externalId and userName (read when the linked one has gone, too).
 */
function wantFor(index: AbmIndex, wanted: Wanted, user: PlannedUser, link: LinkState | undefined): void {
  const linked = link === undefined ? undefined : index.byId(link.scimId);
  if (!user.target.active) {
    if (link === undefined) wanted.match(index.byExternalId(user.entraId), user.target);
    else wanted.add(linked, user.target, link.lastPushed);
    return;
  }
  if (user.problems.length > 0) return;
  if (link !== undefined) wanted.add(linked, user.target, link.lastPushed);
  for (const entry of index.matchesFor(user.entraId, user.target.userName)) {
    if (entry !== undefined && entry !== linked) wanted.match(entry, user.target);
  }
}

type Hint = TargetUser | null | undefined;

/** ABM users to rebuild or read, each with the states that may be its own */
class Wanted {
  readonly entries = new Map<string, { readonly entry: AbmEntry; readonly hints: Hint[] }>();
  /** users matched by externalId or userName: the links that own them are read too */
  readonly matched = new Set<string>();

  add(entry: AbmEntry | undefined, ...hints: Hint[]): void {
    if (entry === undefined) return;
    const known = this.entries.get(entry.id);
    if (known === undefined) this.entries.set(entry.id, { entry, hints });
    else known.hints.push(...hints);
  }

  match(entry: AbmEntry | undefined, hint?: TargetUser): void {
    if (entry === undefined) return;
    this.matched.add(entry.id);
    this.add(entry, hint);
  }
}

/** each wanted ABM user's fields (null: gone from ABM since it was listed) */
async function resolve(deps: Deps, wanted: Wanted): Promise<Result<Map<string, TargetRecord | null>, AppError>> {
  const records = new Map<string, TargetRecord | null>();
  const reads: string[] = [];
  for (const [id, { entry, hints }] of wanted.entries) {
    const same = hints.find((h): h is TargetUser => h != null && attributeHash(h) === entry.hash);
    if (same !== undefined) records.set(id, { ...toTargetUser(same), id });
    else reads.push(id);
  }
  for (let i = 0; i < reads.length; i += deps.concurrency) {
    const batch = reads.slice(i, i + deps.concurrency);
    const got = await Promise.all(batch.map((id) => deps.target.get(id)));
    for (const [j, result] of got.entries()) {
      if (!result.ok) return err(result.error);
      const id = batch[j];
      if (id !== undefined) records.set(id, result.value === null ? null : { ...toTargetUser(result.value), id });
    }
  }
  return ok(records);
}

/** the planner's lookups: what the whole index answers, with the fields this part resolved */
function lookups(index: AbmIndex, records: ReadonlyMap<string, TargetRecord | null>): TargetIndex {
  const record = (entry: AbmEntry | undefined): TargetRecord | undefined => {
    if (entry === undefined) return undefined;
    const found = records.get(entry.id);
    if (found === undefined)
      throw new AppError(
        "sync.plan_input",
        `Invalid sync plan input: ABM user ${entry.id} was not prepared for this part.`,
        {
          retryable: false,
        },
      );
    return found ?? undefined;
  };
  return {
    byId: { get: (id) => record(index.byId(id)) },
    byExternalId: { get: (externalId) => record(index.byExternalId(externalId)) },
    byUserName: { get: (userName) => record(index.byUserName(userName)) },
  };
}
