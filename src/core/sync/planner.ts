import type { RemovalReason } from "../ports/directory-source.js";
import type { ValidationProblem } from "../ports/provisioning-engine.js";
import type { ScimUser } from "../users.js";
import { allFields, attributeHash, diffTargets, toTargetUser } from "./mapping.js";
import {
  adoptOp,
  createOp,
  deactivateLinkedOp,
  deactivateMatchedOp,
  deleteOp,
  type PlannedUser,
  skipOp,
  updateOp,
} from "./op-builders.js";
import type { DeactivationCause, LinkState, SyncAction, SyncOp } from "./operations.js";
import { indexLinks, indexTargets, planInputError } from "./plan-index.js";

export type { PlannedUser } from "./op-builders.js";

export interface Removal {
  readonly entraId: string;
  readonly reason: RemovalReason;
}

export interface SyncPolicy {
  /** what a permanent deletion in Entra does in ABM; ABM's own behaviour is to deactivate */
  readonly hardDeleteAction: "deactivate" | "delete";
}

export const DEFAULT_SYNC_POLICY: SyncPolicy = { hardDeleteAction: "deactivate" };

export interface PlanInput {
  /** `full`: `users` is everybody in scope and `targetUsers` all of ABM; `incremental`: only changes */
  readonly kind: "full" | "incremental";
  /** users in scope (mapped and validated); disabled users have `target.active === false` */
  readonly users: readonly PlannedUser[];
  /** users removed in Entra (delta `@removed`) */
  readonly removals?: readonly Removal[];
  /** users known to have left the scope (incremental cycles; a full cycle infers it) */
  readonly outOfScope?: readonly string[];
  /** users a look-up by id no longer finds in Entra (incremental cycles; a full cycle infers it) */
  readonly gone?: readonly string[];
  readonly links: readonly LinkState[];
  /**
   * Full cycles: every ABM user (required). Incremental cycles: optional lookups (e.g. by
   * externalId/userName for new users); they are used for matching and diffs.
   */
  readonly targetUsers?: readonly ScimUser[];
  /**
   * Entra users with no link whose last create or adopt failed (the escrow). ABM may hold them all
   * the same: a create whose answer was lost after ABM did the work. When such a user is removed,
   * leaves the scope or (full cycles) is gone from the source, an active ABM user carrying its
   * externalId is deactivated. Incremental cycles pass those ABM users in `targetUsers`.
   */
  readonly unconfirmed?: readonly string[];
  readonly policy?: SyncPolicy;
}

export type PlanCounts = Readonly<Record<SyncAction, number>>;

export interface SyncPlan {
  readonly kind: PlanInput["kind"];
  /** at most one operation per Entra user and per ABM user */
  readonly ops: readonly SyncOp[];
  readonly counts: PlanCounts;
}

/**
 * The pure diff between Entra and ABM. Rules:
 * - never create when an ABM user matches (externalId first, then userName case-insensitively):
 *   adopt it instead, carrying the attribute changes in the same operation;
 * - never touch an ABM user we have no link to and no source user matches;
 * - invalid users are skipped with their problems (deactivation ignores problems: it sends nothing
 *   but `active`); unchanged users produce no operation;
 * - disabled, soft-deleted, out-of-scope and (full cycles) vanished linked users are deactivated;
 *   hard-deleted ones are deactivated, or deleted when the policy says so; so are the unlinked ABM
 *   users carrying the externalId of such a user in escrow (`unconfirmed`);
 * - an ABM user claimed by another Entra user is not taken unless that link is inactive and its
 *   Entra user is not in this cycle; otherwise the user is skipped and retried next cycle.
 */
export function planSync(input: PlanInput): SyncPlan {
  const full = input.kind === "full";
  if (full && input.targetUsers === undefined) throw planInputError("a full cycle needs every ABM user (targetUsers)");
  const policy = input.policy ?? DEFAULT_SYNC_POLICY;
  const links = indexLinks(input.links);
  const targets = indexTargets(input.targetUsers ?? []);
  const removals = new Map((input.removals ?? []).map((r) => [r.entraId, r.reason] as const));
  const outOfScope = new Set(input.outOfScope ?? []);
  const gone = new Set(input.gone ?? []);
  const userIds = new Set<string>();
  for (const user of input.users) {
    if (userIds.has(user.entraId)) throw planInputError(`Entra user ${user.entraId} appears twice`);
    if (removals.has(user.entraId) || outOfScope.has(user.entraId) || gone.has(user.entraId)) {
      throw planInputError(`Entra user ${user.entraId} is both in scope and removed or out of scope`);
    }
    userIds.add(user.entraId);
  }

  const ops: SyncOp[] = [];
  const used = new Set<string>();
  const emit = (op: SyncOp): void => {
    ops.push(op);
    if ("scimId" in op) used.add(op.scimId);
  };

  const conflict = (user: PlannedUser, scimId: string, holder: string): void => {
    const problem: ValidationProblem = {
      code: "sync.user_name_taken",
      field: "userName",
      message: `ABM user ${scimId} with this userName or externalId belongs to ${holder}, so it is neither created nor linked.`,
      fix: "Fix the other user first (rename, disable or remove it); this user is retried on the next cycle.",
    };
    emit(skipOp(user, [problem]));
  };

  /** adopt `current` for `user` unless another operation or an active owner holds it */
  const claim = (user: PlannedUser, current: ScimUser, matchedBy: "externalId" | "userName", note?: string): void => {
    if (used.has(current.id)) {
      conflict(user, current.id, "a user another operation of this cycle acts on");
      return;
    }
    const owner = links.byScimId.get(current.id);
    if (owner !== undefined && owner.entraId !== user.entraId && (userIds.has(owner.entraId) || current.active)) {
      conflict(user, current.id, `Entra user ${owner.entraId}`);
      return;
    }
    const changes = diffTargets(user.target, toTargetUser(current));
    emit(adoptOp(user, current.id, matchedBy, changes, owner?.entraId ?? null, note));
  };

  const planLinked = (user: PlannedUser, link: LinkState, current: ScimUser | undefined): void => {
    const hash = attributeHash(user.target);
    if (current !== undefined) {
      const changes = diffTargets(user.target, toTargetUser(current));
      if (Object.keys(changes).length > 0) emit(updateOp(user, link.scimId, changes, true));
      else if (link.attributeHash !== hash || !link.active) emit(adoptOp(user, link.scimId, "link", {}, null));
      return;
    }
    if (link.attributeHash === hash && link.active) return;
    const base = link.lastPushed == null ? null : { ...link.lastPushed, active: link.active };
    const diff = base === null ? {} : diffTargets(user.target, base);
    emit(updateOp(user, link.scimId, Object.keys(diff).length > 0 ? diff : allFields(user.target), false));
  };

  const planInactive = (user: PlannedUser, link: LinkState | undefined): void => {
    if (link !== undefined) {
      const current = targets.byId.get(link.scimId);
      const active = current !== undefined ? current.active : !full && link.active;
      if (active) emit(deactivateLinkedOp(link, "disabled", current));
      return;
    }
    const current = targets.byExternalId.get(user.entraId);
    if (current?.active === true && !links.byScimId.has(current.id) && !used.has(current.id)) {
      emit(deactivateMatchedOp(user.entraId, current, "disabled"));
    }
  };

  const planGone = (link: LinkState, cause: DeactivationCause): void => {
    const current = targets.byId.get(link.scimId);
    if (full && current === undefined) return; // already gone from ABM
    if (cause === "hard_deleted" && policy.hardDeleteAction === "delete") {
      emit(deleteOp(link));
      return;
    }
    const active = current !== undefined ? current.active : link.active;
    if (active) emit(deactivateLinkedOp(link, cause, current));
  };

  // 1. users we already own, and disabled users
  const unmatched: { user: PlannedUser; note?: string }[] = [];
  for (const user of input.users) {
    const link = links.byEntraId.get(user.entraId);
    if (!user.target.active) planInactive(user, link);
    else if (user.problems.length > 0) emit(skipOp(user, user.problems));
    else if (link === undefined) unmatched.push({ user });
    else {
      const current = targets.byId.get(link.scimId);
      if (full && current === undefined) {
        unmatched.push({ user, note: `the linked ABM user ${link.scimId} no longer exists` });
      } else planLinked(user, link, current);
    }
  }

  // 2. linked users that were removed, left the scope, or (full) vanished from the source
  for (const link of input.links) {
    if (userIds.has(link.entraId)) continue;
    const removal = removals.get(link.entraId);
    if (removal !== undefined) planGone(link, removal);
    else if (outOfScope.has(link.entraId)) planGone(link, "out_of_scope");
    else if (full || gone.has(link.entraId)) planGone(link, "missing_from_source");
  }
  for (const entraId of input.unconfirmed ?? []) {
    if (userIds.has(entraId) || links.byEntraId.has(entraId)) continue;
    const cause: DeactivationCause | undefined =
      removals.get(entraId) ??
      (outOfScope.has(entraId) ? "out_of_scope" : full || gone.has(entraId) ? "missing_from_source" : undefined);
    const current = targets.byExternalId.get(entraId);
    if (cause !== undefined && current?.active === true && !links.byScimId.has(current.id) && !used.has(current.id))
      emit(deactivateMatchedOp(entraId, current, cause));
  }

  // 3. match by externalId, then 4. by userName; create only when nothing matches
  const byUserName: { user: PlannedUser; note?: string }[] = [];
  for (const entry of unmatched) {
    const current = targets.byExternalId.get(entry.user.entraId);
    if (current === undefined) byUserName.push(entry);
    else claim(entry.user, current, "externalId", entry.note);
  }
  for (const { user, note } of byUserName) {
    const key = user.target.userName.toLowerCase();
    const current = targets.byUserName.get(key);
    if (current !== undefined) {
      claim(user, current, "userName", note);
      continue;
    }
    const holder = full ? undefined : links.byUserName.get(key);
    if (holder === undefined || holder.entraId === user.entraId) {
      emit(createOp(user, full));
    } else if (userIds.has(holder.entraId) || holder.active || used.has(holder.scimId)) {
      conflict(user, holder.scimId, `Entra user ${holder.entraId}`);
    } else {
      const base = holder.lastPushed == null ? null : { ...holder.lastPushed, active: holder.active };
      const changes = base === null ? allFields(user.target) : diffTargets(user.target, base);
      emit(adoptOp(user, holder.scimId, "userName", changes, holder.entraId, note));
    }
  }

  return { kind: input.kind, ops, counts: countOps(ops) };
}

function countOps(ops: readonly SyncOp[]): PlanCounts {
  const counts: Record<SyncAction, number> = { create: 0, adopt: 0, update: 0, deactivate: 0, delete: 0, skip: 0 };
  for (const op of ops) counts[op.action] += 1;
  return counts;
}
