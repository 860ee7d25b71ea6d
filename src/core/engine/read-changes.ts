import type { Approval, ApprovalPayload } from "../approvals/approval.js";
import type { AppError } from "../errors.js";
import type { RemovalReason } from "../ports/directory-source.js";
import type { FailureEntry } from "../ports/provisioning-engine.js";
import { err, ok, type Result } from "../result.js";
import { selectFor } from "../sync/attribute-map.js";
import { isEnabled } from "../sync/mapping.js";
import type { PlannedUser } from "../sync/op-builders.js";
import type { LinkState } from "../sync/operations.js";
import { prepareUsers } from "../sync/prepare.js";
import type { ScimUser, SourceUser } from "../users.js";
import type { EngineContext } from "./context.js";
import { linksForCycle } from "./cycle-links.js";
import type { ConnectionSettings } from "./engine-store.js";
import type { SourceRead } from "./read-source.js";
import type { OpenRun } from "./run.js";

/** more users than this entering the scope in one incremental cycle → a full read is cheaper */
const MAX_SCOPE_LOOKUPS = 200;
const MAX_RETRY_LOOKUPS = 200;

export type NativeBatch = Extract<ApprovalPayload, { kind: "native_batch" }>;

/** The open approval of this engine: a held batch of removals waiting for people. */
export interface OpenBatch {
  readonly approval: Approval;
  readonly batch: NativeBatch;
}

/**
 * Everything one incremental cycle read, before it decides anything: what `planCycle` plans from.
 * Frozen; the maps and sets are read-only views. (A full cycle never holds its whole read at once:
 * it plans and applies slice by slice, full-cycle.ts.)
 */
export interface Snapshot {
  readonly settings: ConnectionSettings;
  /** where the next incremental read starts, stored once the cycle is applied */
  readonly watermark: string;
  /** the users of the assigned scope; null for scope `all` */
  readonly scopeIds: ReadonlySet<string> | null;
  /** the Entra users in scope the cycle acts on (changed, entering the scope, retried from escrow) */
  readonly users: ReadonlyMap<string, SourceUser>;
  /** the same users, mapped and validated */
  readonly planned: readonly PlannedUser[];
  /** users removed in Entra */
  readonly removals: ReadonlyMap<string, RemovalReason>;
  /** linked or escrowed users leaving: out of scope, or (in `gone`) no longer found in Entra */
  readonly leaving: ReadonlySet<string>;
  /** escrowed users a look-up by id no longer finds in Entra */
  readonly gone: ReadonlySet<string>;
  /** escrowed users without a link: a create may have reached ABM although its answer never came back */
  readonly unconfirmed: readonly string[];
  /** every link (assigned scope), or those of the cycle's users */
  readonly links: readonly LinkState[];
  /** ABM's users carrying the externalId of unconfirmed users that leave */
  readonly targetUsers: readonly ScimUser[];
  /** the escrow as the cycle began */
  readonly failuresBefore: readonly FailureEntry[];
  /** the open native_batch approval, if any */
  readonly open: OpenBatch | null;
}

/** Who is in scope and who leaves it, as far as the reads of this cycle tell. */
interface Scoped {
  readonly users: Map<string, SourceUser>;
  readonly outOfScope: readonly string[];
  readonly gone: readonly string[];
}

/**
 * Step 1 of an incremental cycle, after the delta read (`source`): the scope, the links, the
 * escrow, the ABM users of unconfirmed users that leave, and the open approval. Writes nothing but
 * `needsFullCycle` when too many users enter the scope.
 */
export async function readChanges(
  ctx: EngineContext,
  source: SourceRead,
  settings: ConnectionSettings,
  run: OpenRun,
): Promise<Result<Snapshot, AppError>> {
  const { store } = ctx;
  const select = selectFor(ctx.map);
  run.log.info({ full: false, users: source.users.size, removals: source.removals.size }, "read Entra");
  let scopeIds: ReadonlySet<string> | null = null;
  if (settings.scope === "assigned") {
    const scope = await ctx.directory.readAssignedScope();
    if (!scope.ok) return err(scope.error);
    scopeIds = scope.value.userIds;
  }
  // the assigned scope reads every link (who left it); scope `all` reads only its users' links once
  // they are known (below): O(changes), not O(directory)
  const everyLink = scopeIds !== null;
  const failuresBefore = await store.failures();
  const allLinks = everyLink ? await store.links() : [];
  const scoped = await incrementalScope(ctx, {
    source,
    scopeIds,
    links: allLinks,
    failuresBefore,
    now: run.startedAt,
    select,
  });
  if (!scoped.ok) return err(scoped.error);
  const { users, gone } = scoped.value;
  const planned = prepareUsers([...users.values()], ctx.map, { verifiedDomains: ctx.verifiedDomains });
  const links = everyLink
    ? allLinks
    : await linksForCycle(store, [...users.keys(), ...source.removals.keys(), ...gone], planned);
  const leaving = leavers(source, scopeIds, scoped.value, links, failuresBefore);
  const targetUsers = await lookupUnconfirmed(ctx, leaving.unconfirmed, leaving.leaves);
  return ok(
    Object.freeze({
      settings,
      watermark: source.watermark,
      scopeIds,
      users,
      planned,
      removals: source.removals,
      leaving: leaving.ids,
      gone: new Set(gone),
      unconfirmed: leaving.unconfirmed,
      links,
      targetUsers,
      failuresBefore,
      open: await openBatch(ctx),
    }),
  );
}

/** The open approval of this engine, when it is a native batch. */
export async function openBatch(ctx: EngineContext): Promise<OpenBatch | null> {
  const pending = await ctx.approvals.pending();
  return pending?.payload.kind === "native_batch" ? { approval: pending, batch: pending.payload } : null;
}

/**
 * An incremental cycle's users: the changed ones in scope, those entering the assigned scope
 * (looked up), and escrowed users due for a retry; the linked users leaving the scope; and the
 * escrowed users Entra no longer has.
 */
async function incrementalScope(
  ctx: EngineContext,
  read: {
    readonly source: SourceRead;
    readonly scopeIds: ReadonlySet<string> | null;
    readonly links: readonly LinkState[];
    readonly failuresBefore: readonly FailureEntry[];
    readonly now: Date;
    readonly select: readonly string[];
  },
): Promise<Result<Scoped, AppError>> {
  const { source, scopeIds, links, select } = read;
  const inScope = (id: string): boolean => scopeIds === null || scopeIds.has(id);
  const linkById = new Map(links.map((l) => [l.entraId, l] as const));
  const users = new Map<string, SourceUser>();
  const outOfScope: string[] = [];
  for (const [id, user] of source.users) {
    if (inScope(id)) users.set(id, user);
    else if (linkById.get(id)?.active === true) outOfScope.push(id);
  }
  if (scopeIds !== null) {
    for (const link of links)
      if (
        link.active &&
        !scopeIds.has(link.entraId) &&
        !source.users.has(link.entraId) &&
        !source.removals.has(link.entraId)
      )
        outOfScope.push(link.entraId);
    // users in escrow are not "entering": they come back through dueRetries (with back-off) or
    // when they change in Entra, instead of being looked up and skipped again every cycle
    const failing = new Set(read.failuresBefore.map((f) => f.entraId));
    const entering = [...scopeIds].filter(
      (id) => !users.has(id) && linkById.get(id)?.active !== true && !source.removals.has(id) && !failing.has(id),
    );
    const lookups = await lookupUsers(ctx, entering.slice(0, MAX_SCOPE_LOOKUPS), select);
    if (!lookups.ok) return err(lookups.error);
    for (const user of lookups.value) users.set(user.id, user);
    if (entering.length > MAX_SCOPE_LOOKUPS) await ctx.store.updateSettings({ needsFullCycle: true });
  }
  // escrow: failed users due for a retry
  const due = (await ctx.store.dueRetries(read.now, MAX_RETRY_LOOKUPS)).filter(
    (id) => !users.has(id) && !source.removals.has(id) && inScope(id),
  );
  const retried = await lookupUsers(ctx, due, select);
  if (!retried.ok) return err(retried.error);
  for (const user of retried.value) users.set(user.id, user);
  // escrowed users Entra no longer has (deleted while we were not looking)
  const gone = due.filter((id) => !users.has(id));
  return ok({ users, outOfScope, gone });
}

/**
 * Who leaves (out of scope or gone, and not in the cycle's users or removals), the escrowed users
 * without a link (the links that matter are loaded: every link, or those of the cycle's users and
 * removals), and which of those leave (removed, leaving, or disabled).
 */
function leavers(
  source: SourceRead,
  scopeIds: ReadonlySet<string> | null,
  scoped: Scoped,
  links: readonly LinkState[],
  failuresBefore: readonly FailureEntry[],
): { ids: ReadonlySet<string>; unconfirmed: readonly string[]; leaves: (id: string) => boolean } {
  const { users } = scoped;
  const ids = new Set(
    [...scoped.outOfScope, ...scoped.gone].filter((id) => !users.has(id) && !source.removals.has(id)),
  );
  const linked = new Set(links.map((l) => l.entraId));
  const unconfirmed = failuresBefore.map((f) => f.entraId).filter((id) => !linked.has(id));
  if (scopeIds !== null)
    for (const id of unconfirmed) if (!scopeIds.has(id) && !users.has(id) && !source.removals.has(id)) ids.add(id);
  const leaves = (id: string): boolean => {
    const user = users.get(id);
    return user === undefined ? source.removals.has(id) || ids.has(id) : !isEnabled(user);
  };
  return { ids, unconfirmed, leaves };
}

/**
 * ABM's users carrying the externalId of escrowed users that leave (removed, out of scope, gone,
 * disabled), for an incremental cycle. A failed look-up keeps the user in escrow: its next retry
 * finds it gone from Entra and looks again.
 */
async function lookupUnconfirmed(
  ctx: EngineContext,
  unconfirmed: readonly string[],
  leaves: (id: string) => boolean,
): Promise<ScimUser[]> {
  const ids = unconfirmed.filter(leaves).slice(0, MAX_RETRY_LOOKUPS);
  const found: ScimUser[] = [];
  for (let i = 0; i < ids.length; i += ctx.concurrency) {
    const chunk = ids.slice(i, i + ctx.concurrency);
    const results = await Promise.all(chunk.map((id) => ctx.target.findByExternalId(id)));
    for (const [j, r] of results.entries()) {
      if (r.ok) {
        if (r.value !== null) found.push(r.value);
      } else ctx.logger.warn({ entraId: chunk[j], code: r.error.code }, "could not look the user up in ABM");
    }
  }
  return found;
}

async function lookupUsers(
  ctx: EngineContext,
  ids: readonly string[],
  select: readonly string[],
): Promise<Result<SourceUser[], AppError>> {
  const found: SourceUser[] = [];
  for (let i = 0; i < ids.length; i += ctx.concurrency) {
    const chunk = ids.slice(i, i + ctx.concurrency);
    const results = await Promise.all(chunk.map((id) => ctx.directory.lookupUser({ by: "id", value: id }, select)));
    for (const r of results) {
      if (!r.ok) return err(r.error);
      if (r.value !== null) found.push(r.value);
    }
  }
  return ok(found);
}
