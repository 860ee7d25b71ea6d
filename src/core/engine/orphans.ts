import type { AppError } from "../errors.js";
import type { Orphan, OrphanReport } from "../ports/provisioning-engine.js";
import { err, ok, type Result } from "../result.js";
import { selectFor } from "../sync/attribute-map.js";
import { mapUser } from "../sync/mapping.js";
import { type AbmEntry, indexAbm } from "./abm-index.js";
import type { EngineContext } from "./context.js";

const LINK_BATCH = 1_000;

/**
 * `orphans`: ABM users no Entra user in scope would own. ABM is listed page by page into the full
 * cycle's index (ids, externalIds, userNames and a hash: never whole users); Entra is read page by
 * page (a full users read, nothing stored) and each user in scope marks the ABM users it owns, as
 * the engine matches them: its link, the externalId, then the userName. What stays unmarked is an
 * orphan; its links say why. Nothing is changed, in ABM or in the store.
 */
export async function findOrphans(ctx: EngineContext): Promise<Result<OrphanReport, AppError>> {
  const started = ctx.clock.now().getTime();
  const indexed = await indexAbm(ctx.target);
  if (!indexed.ok) return err(indexed.error);
  const index = indexed.value;
  const settings = await ctx.store.settings();
  let assigned: ReadonlySet<string> | null = null;
  if (settings.scope === "assigned") {
    const scope = await ctx.directory.readAssignedScope();
    if (!scope.ok) return err(scope.error);
    assigned = scope.value.userIds;
  }
  let entraInScope = 0;
  /** ABM users linked to an Entra user that is there but out of scope */
  const outOfScope = new Set<string>();
  const read = await ctx.directory.readChanges({
    watermark: null,
    select: selectFor(ctx.map),
    onBatch: async (changes) => {
      const users = changes.flatMap((c) => (c.kind === "upsert" ? [c.user] : []));
      const links = new Map((await ctx.store.linksFor(users.map((u) => u.id))).map((l) => [l.entraId, l] as const));
      for (const user of users) {
        const linked = links.get(user.id);
        if (assigned !== null && !assigned.has(user.id)) {
          if (linked !== undefined) outOfScope.add(linked.scimId);
          continue;
        }
        entraInScope += 1;
        const owned = [
          linked === undefined ? undefined : index.byId(linked.scimId),
          ...index.matchesFor(user.id, mapUser(user, ctx.map).userName),
        ];
        for (const entry of owned) if (entry !== undefined) entry.used = true;
      }
    },
  });
  if (!read.ok) return err(read.error);
  const unowned = [...index.entries()].filter((entry) => !entry.used);
  const orphans: Orphan[] = [];
  for (let i = 0; i < unowned.length; i += LINK_BATCH) {
    const batch = unowned.slice(i, i + LINK_BATCH);
    const links = new Map(
      (await ctx.store.linksForScimIds(batch.map((e) => e.id))).map((l) => [l.scimId, l.entraId] as const),
    );
    for (const entry of batch) orphans.push(orphanOf(entry, links.get(entry.id) ?? null, outOfScope));
  }
  return ok({
    scope: settings.scope,
    abmUsers: index.size,
    entraInScope,
    orphans,
    elapsedMs: ctx.clock.now().getTime() - started,
  });
}

function orphanOf(entry: AbmEntry, entraId: string | null, outOfScope: ReadonlySet<string>): Orphan {
  const base = {
    scimId: entry.id,
    userName: entry.userName,
    externalId: entry.externalId,
    active: entry.active,
    entraId,
  };
  if (entraId !== null) {
    const where = outOfScope.has(entry.id)
      ? "who is still in Entra but out of scope"
      : "who is no longer in Entra (deleted)";
    return { ...base, kind: "linked", reason: `Linked to Entra user ${entraId}, ${where}.` };
  }
  if (entry.externalId !== null) {
    return {
      ...base,
      kind: "foreign",
      reason: `Carries externalId ${entry.externalId}, which no Entra user in scope has: left over from another source or a deleted user.`,
    };
  }
  return {
    ...base,
    kind: "unlinked",
    reason:
      "No externalId, no link, and no Entra user in scope has this userName: made by hand in ABM or by another source.",
  };
}
