import { errorFix, isErrorCode } from "../error-codes.js";
import type { AppError } from "../errors.js";
import type { UserLookup } from "../ports/directory-source.js";
import type { OperationFacts, ScopeFacts, UserFacts } from "../ports/provisioning-engine.js";
import { err, ok, type Result } from "../result.js";
import { selectFor } from "../sync/attribute-map.js";
import { prepareUsers } from "../sync/prepare.js";
import type { ScimUser, SourceUser } from "../users.js";
import type { EngineContext } from "./context.js";

/**
 * The steps `check`, `provision` and `why` share for one user: find them in Entra, decide the
 * scope (with the assignment path), find their ABM user, and their latest operation. Each step is
 * read-only.
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A user by object id, userPrincipalName, or mail (in that order for addresses). */
export async function findSource(ctx: EngineContext, query: string): Promise<Result<SourceUser | null, AppError>> {
  const select = selectFor(ctx.map);
  const lookups: UserLookup[] = GUID.test(query)
    ? [{ by: "id", value: query }]
    : [
        { by: "userPrincipalName", value: query },
        { by: "mail", value: query },
      ];
  for (const lookup of lookups) {
    const found = await ctx.directory.lookupUser(lookup, select);
    if (!found.ok || found.value !== null) return found;
  }
  return ok(null);
}

/** `all`: everybody; `assigned`: assigned directly or through a group the user is a DIRECT member of. */
export async function scopeFacts(ctx: EngineContext, id: string): Promise<Result<ScopeFacts, AppError>> {
  const settings = await ctx.store.settings();
  if (settings.scope === "all") return ok({ mode: "all", inScope: true, path: null });
  const path = await ctx.directory.explainAssignment(id);
  if (!path.ok) return err(path.error);
  return ok({ mode: "assigned", inScope: path.value.direct || path.value.groups.length > 0, path: path.value });
}

/** The scope decision in the words `check` and `provision` show. */
export function scopeReason(scope: ScopeFacts): string {
  if (scope.path === null) return 'The scope is "all users".';
  if (scope.path.direct) return "Assigned to the Apple Business Manager app directly.";
  if (scope.path.groups.length > 0) return "A direct member of a group assigned to the app.";
  return "Not assigned to the Apple Business Manager app, directly or through a group it is a DIRECT member of (nested groups do not count).";
}

/** The ABM user of an Entra user: by its link's SCIM id, else by externalId, else by userName (single GETs). */
export async function findTarget(
  ctx: EngineContext,
  entraId: string,
  userName: string,
): Promise<Result<ScimUser | null, AppError>> {
  const [link] = await ctx.store.linksFor([entraId]);
  if (link !== undefined) {
    const byId = await ctx.target.get(link.scimId);
    if (!byId.ok || byId.value !== null) return byId;
  }
  const byExternalId = await ctx.target.findByExternalId(entraId);
  if (!byExternalId.ok || byExternalId.value !== null) return byExternalId;
  return userName === "" ? ok(null) : ctx.target.findByUserName(userName);
}

/** The failure in escrow when the user is failing, else the newest journaled operation. */
async function lastOperation(ctx: EngineContext, entraId: string): Promise<OperationFacts | null> {
  const failure = (await ctx.store.failures()).find((f) => f.entraId === entraId);
  if (failure !== undefined) {
    return {
      at: failure.lastAttemptAt,
      action: failure.action,
      status: "failed",
      code: failure.code,
      message: failure.reason,
      fix: failure.fix,
      attempts: failure.attempts,
      nextRetryAt: failure.nextRetryAt,
    };
  }
  const journaled = await ctx.store.lastOperation(entraId);
  if (journaled === null) return null;
  const code = journaled.errorCode;
  return {
    at: journaled.at,
    action: journaled.action,
    status: journaled.status,
    code,
    message: journaled.errorMessage ?? journaled.reason,
    fix: code !== null && isErrorCode(code) ? errorFix(code) : null,
    attempts: null,
    nextRetryAt: null,
  };
}

/** `why <user>` for the native engine: every step, and what is known after the one that breaks. */
export async function explainUser(ctx: EngineContext, query: string): Promise<Result<UserFacts, AppError>> {
  const source = await findSource(ctx, query);
  if (!source.ok) return err(source.error);
  const user = source.value;
  let deleted: UserFacts["deleted"] = null;
  if (user === null) {
    const found = await ctx.directory.findDeletedUser(query);
    if (!found.ok) return err(found.error);
    deleted = found.value;
  }
  let scope: ScopeFacts | null = null;
  if (user !== null) {
    const decided = await scopeFacts(ctx, user.id);
    if (!decided.ok) return err(decided.error);
    scope = decided.value;
  }
  const [planned] = user === null ? [] : prepareUsers([user], ctx.map, { verifiedDomains: ctx.verifiedDomains });
  const entraId = user?.id ?? deleted?.id ?? null;
  const [link] = entraId === null ? [] : await ctx.store.linksFor([entraId]);
  // without an Entra user, ABM may still hold the address as a userName (made by hand, or an orphan)
  const target =
    entraId === null
      ? GUID.test(query)
        ? ok(null)
        : await ctx.target.findByUserName(query)
      : await findTarget(ctx, entraId, planned?.target.userName ?? link?.userName ?? "");
  if (!target.ok) return err(target.error);
  return ok({
    query,
    engine: "native",
    source: user,
    deleted,
    scope,
    problems: planned?.problems ?? [],
    payload: planned?.target ?? null,
    link: {
      known: true,
      value: link === undefined ? null : { scimId: link.scimId, userName: link.userName, active: link.active },
    },
    lastOperation: { known: true, value: entraId === null ? null : await lastOperation(ctx, entraId) },
    target: { known: true, value: target.value },
  });
}
