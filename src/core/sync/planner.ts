import type { RemovalReason } from "../ports/directory-source.js";
import type { ValidationProblem } from "../ports/provisioning-engine.js";
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
import {
  indexLinks,
  indexTargets,
  type LinkIndex,
  planInputError,
  type TargetIndex,
  type TargetRecord,
} from "./plan-index.js";

export type { PlannedUser } from "./op-builders.js";
export type { TargetIndex, TargetRecord } from "./plan-index.js";

export interface Removal {
  readonly entraId: string;
  readonly reason: RemovalReason;
}

export interface SyncPolicy {
  /** what a permanent deletion in Entra does in ABM; ABM's own behaviour is to deactivate */
  readonly hardDeleteAction: "deactivate" | "delete";
}

export const DEFAULT_SYNC_POLICY: SyncPolicy = { hardDeleteAction: "deactivate" };

/** Where an Entra user outside this part of a full cycle stands. */
export type SourceStatus =
  /** in the source, and its operations are decided (an earlier slice planned it) */
  | "planned"
  /** not in the source (known once every slice is read) */
  | "absent"
  /** not known yet: a later slice may hold it, or its claim waits for the end (deferred) */
  | "unknown";

/**
 * A full cycle planned in parts, slice by slice (docs/architecture.md, "A full cycle in slices").
 * Each part sees only the ABM users and links its users need; what the rest of the cycle decided
 * comes through `isUsed` and `statusOf`. Together the parts plan what one whole-cycle call plans:
 * - `slice`: a page of the source's users (step 1, matches). Removals wait for the end. A claim
 *   whose outcome depends on a user not known yet (the Entra owner of the ABM user, or the user
 *   its externalId names) is deferred, not decided;
 * - `removals`: linked users the source no longer holds (`links` are theirs, no users);
 * - `end`: the deferred users and the escrowed users without a link (`unconfirmed`).
 */
export interface PlanPart {
  readonly kind: "slice" | "removals" | "end";
  /** an ABM user an operation of another part of this cycle acts on */
  isUsed(scimId: string): boolean;
  /** an Entra user that is not among this part's users */
  statusOf(entraId: string): SourceStatus;
}

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
   * Full cycles: every ABM user (required, unless `targets` is given). Incremental cycles: optional
   * lookups (e.g. by externalId/userName for new users); they are used for matching and diffs.
   */
  readonly targetUsers?: readonly TargetRecord[];
  /** ABM's users already indexed (a part of a full cycle: what the whole of ABM answers for its keys) */
  readonly targets?: TargetIndex;
  /**
   * Entra users with no link whose last create or adopt failed (the escrow). ABM may hold them all
   * the same: a create whose answer was lost after ABM did the work. When such a user is removed,
   * leaves the scope or (full cycles) is gone from the source, an active ABM user carrying its
   * externalId is deactivated. Incremental cycles pass those ABM users in `targetUsers`.
   */
  readonly unconfirmed?: readonly string[];
  readonly policy?: SyncPolicy;
  /** a part of a full cycle planned in slices; absent: the whole cycle at once */
  readonly part?: PlanPart;
}

export type PlanCounts = Readonly<Record<SyncAction, number>>;

export interface SyncPlan {
  readonly kind: PlanInput["kind"];
  /** at most one operation per Entra user and per ABM user */
  readonly ops: readonly SyncOp[];
  readonly counts: PlanCounts;
  /** a `slice` part's users whose claim waits for the `end` part (always empty otherwise) */
  readonly deferred: readonly PlannedUser[];
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
 * Steps, in this order: 1. users we own and disabled users, 2. linked users removed, out of scope or
 * (full) vanished, and escrowed users ABM may hold, 3. matches by externalId, 4. by userName.
 */
export function planSync(input: PlanInput): SyncPlan {
  const planning = new Planning(input);
  const part = input.part?.kind;
  const unmatched = part === "removals" ? [] : planning.planUsers();
  if (part === undefined || part === "removals") planning.planLinksLeaving();
  if (part === undefined || part === "end") planning.planUnconfirmed();
  planning.planMatches(unmatched);
  return { kind: input.kind, ops: planning.ops, counts: countOps(planning.ops), deferred: planning.deferred };
}

interface Unmatched {
  readonly user: PlannedUser;
  readonly note?: string;
}

/** One call of planSync: its indexes, the operations so far and the ABM users they act on. */
class Planning {
  readonly ops: SyncOp[] = [];
  readonly deferred: PlannedUser[] = [];
  private readonly used = new Set<string>();
  private readonly full: boolean;
  private readonly policy: SyncPolicy;
  private readonly links: LinkIndex;
  private readonly targets: TargetIndex;
  private readonly removals: ReadonlyMap<string, RemovalReason>;
  private readonly outOfScope: ReadonlySet<string>;
  private readonly gone: ReadonlySet<string>;
  private readonly userIds = new Set<string>();

  constructor(private readonly input: PlanInput) {
    this.full = input.kind === "full";
    if (this.full && input.targetUsers === undefined && input.targets === undefined)
      throw planInputError("a full cycle needs every ABM user (targetUsers)");
    if (input.part !== undefined && !this.full) throw planInputError("only a full cycle is planned in parts");
    this.policy = input.policy ?? DEFAULT_SYNC_POLICY;
    this.links = indexLinks(input.links);
    this.targets = input.targets ?? indexTargets(input.targetUsers ?? []);
    this.removals = new Map((input.removals ?? []).map((r) => [r.entraId, r.reason] as const));
    this.outOfScope = new Set(input.outOfScope ?? []);
    this.gone = new Set(input.gone ?? []);
    for (const user of input.users) {
      if (this.userIds.has(user.entraId)) throw planInputError(`Entra user ${user.entraId} appears twice`);
      if (this.removals.has(user.entraId) || this.outOfScope.has(user.entraId) || this.gone.has(user.entraId)) {
        throw planInputError(`Entra user ${user.entraId} is both in scope and removed or out of scope`);
      }
      this.userIds.add(user.entraId);
    }
  }

  /** step 1: users we already own, and disabled users; returns those left to match */
  planUsers(): Unmatched[] {
    const unmatched: Unmatched[] = [];
    for (const user of this.input.users) {
      const link = this.links.byEntraId.get(user.entraId);
      if (!user.target.active) this.planInactive(user, link);
      else if (user.problems.length > 0) this.emit(skipOp(user, user.problems));
      else if (link === undefined) unmatched.push({ user });
      else {
        const current = this.targets.byId.get(link.scimId);
        if (this.full && current === undefined) {
          unmatched.push({ user, note: `the linked ABM user ${link.scimId} no longer exists` });
        } else this.planLinked(user, link, current);
      }
    }
    return unmatched;
  }

  /** step 2: linked users that were removed, left the scope, or (full) vanished from the source */
  planLinksLeaving(): void {
    for (const link of this.input.links) {
      if (this.inSource(link.entraId) !== false) continue;
      const removal = this.removals.get(link.entraId);
      if (removal !== undefined) this.planGone(link, removal);
      else if (this.outOfScope.has(link.entraId)) this.planGone(link, "out_of_scope");
      else if (this.full || this.gone.has(link.entraId)) this.planGone(link, "missing_from_source");
    }
  }

  /** step 2, the escrow: an unlinked ABM user carrying the externalId of an escrowed user that left */
  planUnconfirmed(): void {
    for (const entraId of this.input.unconfirmed ?? []) {
      if (this.inSource(entraId) !== false || this.links.byEntraId.has(entraId)) continue;
      const cause: DeactivationCause | undefined =
        this.removals.get(entraId) ??
        (this.outOfScope.has(entraId)
          ? "out_of_scope"
          : this.full || this.gone.has(entraId)
            ? "missing_from_source"
            : undefined);
      const current = this.targets.byExternalId.get(entraId);
      if (cause !== undefined && current?.active === true && this.unowned(current))
        this.emit(deactivateMatchedOp(entraId, current, cause));
    }
  }

  /** step 3: match by externalId, then 4. by userName; create only when nothing matches */
  planMatches(unmatched: readonly Unmatched[]): void {
    const byUserName: Unmatched[] = [];
    for (const entry of unmatched) {
      const current = this.targets.byExternalId.get(entry.user.entraId);
      if (current === undefined) byUserName.push(entry);
      else this.claim(entry.user, current, "externalId", entry.note);
    }
    for (const { user, note } of byUserName) {
      const key = user.target.userName.toLowerCase();
      const current = this.targets.byUserName.get(key);
      if (current !== undefined) {
        this.claim(user, current, "userName", note);
        continue;
      }
      const holder = this.full ? undefined : this.links.byUserName.get(key);
      if (holder === undefined || holder.entraId === user.entraId) {
        this.emit(createOp(user, this.full));
      } else if (this.userIds.has(holder.entraId) || holder.active || this.used.has(holder.scimId)) {
        this.conflict(user, holder.scimId, `Entra user ${holder.entraId}`);
      } else {
        const base = holder.lastPushed == null ? null : { ...holder.lastPushed, active: holder.active };
        const changes = base === null ? allFields(user.target) : diffTargets(user.target, base);
        this.emit(adoptOp(user, holder.scimId, "userName", changes, holder.entraId, note));
      }
    }
  }

  private emit(op: SyncOp): void {
    this.ops.push(op);
    if ("scimId" in op) this.used.add(op.scimId);
  }

  private isUsed(scimId: string): boolean {
    return this.used.has(scimId) || this.input.part?.isUsed(scimId) === true;
  }

  /** an unlinked ABM user no operation of the cycle acts on */
  private unowned(current: TargetRecord): boolean {
    return !this.links.byScimId.has(current.id) && !this.isUsed(current.id);
  }

  /** whether an Entra user is in the source: true, false, or null while a part cannot tell yet */
  private inSource(entraId: string): boolean | null {
    if (this.userIds.has(entraId)) return true;
    const status = this.input.part?.statusOf(entraId);
    if (status === undefined) return false;
    return status === "unknown" ? null : status === "planned";
  }

  private conflict(user: PlannedUser, scimId: string, holder: string): void {
    const problem: ValidationProblem = {
      code: "sync.user_name_taken",
      field: "userName",
      message: `ABM user ${scimId} with this userName or externalId belongs to ${holder}, so it is neither created nor linked.`,
      fix: "Fix the other user first (rename, disable or remove it); this user is retried on the next cycle.",
    };
    this.emit(skipOp(user, [problem]));
  }

  /** adopt `current` for `user` unless another operation or an active owner holds it */
  private claim(user: PlannedUser, current: TargetRecord, matchedBy: "externalId" | "userName", note?: string): void {
    if (this.isUsed(current.id)) {
      this.conflict(user, current.id, "a user another operation of this cycle acts on");
      return;
    }
    const owner = this.links.byScimId.get(current.id);
    const ownerInSource = owner === undefined || owner.entraId === user.entraId ? false : this.inSource(owner.entraId);
    // another user's operations may still take it (its owner, or the user its externalId names)
    const named = current.externalId;
    const namedUnknown = named !== null && named !== user.entraId && this.inSource(named) === null;
    if (ownerInSource === null || (matchedBy === "userName" && namedUnknown)) {
      this.deferred.push(user);
      return;
    }
    if (owner !== undefined && owner.entraId !== user.entraId && (ownerInSource || current.active)) {
      this.conflict(user, current.id, `Entra user ${owner.entraId}`);
      return;
    }
    const changes = diffTargets(user.target, toTargetUser(current));
    this.emit(adoptOp(user, current.id, matchedBy, changes, owner?.entraId ?? null, note));
  }

  private planLinked(user: PlannedUser, link: LinkState, current: TargetRecord | undefined): void {
    const hash = attributeHash(user.target);
    if (current !== undefined) {
      const changes = diffTargets(user.target, toTargetUser(current));
      if (Object.keys(changes).length > 0) this.emit(updateOp(user, link.scimId, changes, true));
      else if (link.attributeHash !== hash || !link.active) this.emit(adoptOp(user, link.scimId, "link", {}, null));
      return;
    }
    if (link.attributeHash === hash && link.active) return;
    const base = link.lastPushed == null ? null : { ...link.lastPushed, active: link.active };
    const diff = base === null ? {} : diffTargets(user.target, base);
    this.emit(updateOp(user, link.scimId, Object.keys(diff).length > 0 ? diff : allFields(user.target), false));
  }

  private planInactive(user: PlannedUser, link: LinkState | undefined): void {
    if (link !== undefined) {
      const current = this.targets.byId.get(link.scimId);
      const active = current !== undefined ? current.active : !this.full && link.active;
      if (active) this.emit(deactivateLinkedOp(link, "disabled", current));
      return;
    }
    const current = this.targets.byExternalId.get(user.entraId);
    if (current?.active === true && this.unowned(current)) {
      this.emit(deactivateMatchedOp(user.entraId, current, "disabled"));
    }
  }

  private planGone(link: LinkState, cause: DeactivationCause): void {
    const current = this.targets.byId.get(link.scimId);
    if (this.full && current === undefined) return; // already gone from ABM
    if (cause === "hard_deleted" && this.policy.hardDeleteAction === "delete") {
      this.emit(deleteOp(link));
      return;
    }
    const active = current !== undefined ? current.active : link.active;
    if (active) this.emit(deactivateLinkedOp(link, cause, current));
  }
}

function countOps(ops: readonly SyncOp[]): PlanCounts {
  const counts: Record<SyncAction, number> = { create: 0, adopt: 0, update: 0, deactivate: 0, delete: 0, skip: 0 };
  for (const op of ops) counts[op.action] += 1;
  return counts;
}
