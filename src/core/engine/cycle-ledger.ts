import type { HeldRemoval } from "../approvals/approval.js";
import type { RemovalReason } from "../ports/directory-source.js";
import { isEnabled } from "../sync/mapping.js";
import { isRemoval, type RemovalOp, type SyncOp } from "../sync/operations.js";
import type { PlannedUser, PlanPart } from "../sync/planner.js";
import { duplicateUserName } from "../sync/validation.js";
import type { SourceUser } from "../users.js";
import type { AbmIndex } from "./abm-index.js";
import { type HeldUsersView, heldRemoval } from "./plan-cycle.js";
import { addRemoval } from "./read-source.js";

/**
 * What a full cycle keeps from one slice to the next, compactly: who the source holds (ids and
 * userNames), the users whose claim waits for the end, the users removed in the read, and every
 * removal planned (the threshold counts the whole cycle before any removal runs). Nothing else of
 * a slice outlives it; the ABM index is kept beside it (abm-index.ts).
 */
export class CycleLedger {
  /** the Entra users in the source and in scope, read so far */
  private readonly seen = new Set<string>();
  /** lower-cased userName → the first Entra user read with it (duplicates across slices) */
  private readonly names = new Map<string, string>();
  /** users read again, or removed, after an earlier slice planned them: their links may be new */
  readonly revisited = new Set<string>();
  /** users whose claim waits for the end: it depends on a user not read yet */
  readonly deferred = new Map<string, PlannedUser>();
  /** users removed in Entra (a full read rarely has any) */
  readonly removed = new Map<string, RemovalReason>();
  readonly removals: RemovalCollector;
  /** escrowed users without a link as the cycle began, and those of them an operation settled */
  private readonly unconfirmed: ReadonlySet<string>;
  private readonly settled = new Set<string>();
  /** the users the open approval holds: enabled or not, once read */
  private readonly openIds: ReadonlySet<string>;
  private readonly openEnabled = new Map<string, boolean>();

  constructor(init: {
    readonly unconfirmed: readonly string[];
    readonly openIds: readonly string[];
    /** how many removal operations to keep whole (more are kept as held removals) */
    readonly keepWhole: number;
  }) {
    this.unconfirmed = new Set(init.unconfirmed);
    this.openIds = new Set(init.openIds);
    this.removals = new RemovalCollector(init.keepWhole);
  }

  get readCount(): number {
    return this.seen.size;
  }

  has(entraId: string): boolean {
    return this.seen.has(entraId);
  }

  /** a user in scope was read (again: the last read wins, its earlier decisions are replaced) */
  enter(user: SourceUser): void {
    if (this.seen.has(user.id)) this.revisited.add(user.id);
    this.seen.add(user.id);
    this.removed.delete(user.id);
    this.deferred.delete(user.id);
    this.removals.drop(user.id);
    if (this.openIds.has(user.id)) this.openEnabled.set(user.id, isEnabled(user));
  }

  /** a user was removed in Entra: the end plans its removal like any user the source no longer holds */
  leave(entraId: string, reason: RemovalReason): void {
    if (this.seen.has(entraId)) this.revisited.add(entraId);
    this.seen.delete(entraId);
    this.deferred.delete(entraId);
    this.removals.drop(entraId);
    this.openEnabled.delete(entraId);
    addRemoval(this.removed, entraId, reason);
  }

  /** a userName an earlier slice's user holds: this user is not sent (the earlier one may be in ABM) */
  flagDuplicates(users: readonly PlannedUser[]): PlannedUser[] {
    return users.map((user) => {
      const name = user.target.userName;
      if (name === "") return user;
      const key = name.toLowerCase();
      const first = this.names.get(key);
      if (first === undefined) this.names.set(key, user.entraId);
      if (first === undefined || first === user.entraId) return user;
      return { ...user, problems: [duplicateUserName(name, [first], true), ...user.problems] };
    });
  }

  /** what the rest of the cycle tells a part's planning */
  part(kind: PlanPart["kind"], index: AbmIndex): PlanPart {
    const ended = kind !== "slice";
    return {
      kind,
      isUsed: (scimId) => index.byId(scimId)?.used === true,
      statusOf: (entraId) => {
        if (this.seen.has(entraId) && !(this.deferred.has(entraId) && !ended)) return "planned";
        return ended ? "absent" : "unknown";
      },
    };
  }

  /** a part's operations: their ABM users are taken, removals wait, escrowed users are settled */
  record(ops: readonly SyncOp[], index: AbmIndex): SyncOp[] {
    const now: SyncOp[] = [];
    for (const op of ops) {
      if ("scimId" in op) {
        const entry = index.byId(op.scimId);
        if (entry !== undefined) entry.used = true;
      }
      if (this.unconfirmed.has(op.entraId)) this.settled.add(op.entraId);
      if (isRemoval(op)) this.removals.add(op);
      else now.push(op);
    }
    return now;
  }

  /** escrowed users without an operation that are no longer in the source */
  departed(): string[] {
    return [...this.unconfirmed].filter((id) => !this.settled.has(id) && !this.seen.has(id));
  }

  /** escrowed users without a link that the source no longer holds */
  unconfirmedLeft(): string[] {
    return [...this.unconfirmed].filter((id) => !this.seen.has(id));
  }

  /** what the whole read tells about the users the open approval holds */
  view(scopeIds: ReadonlySet<string> | null): HeldUsersView {
    return {
      removed: (id) => this.removed.has(id),
      enabled: (id) => this.openEnabled.get(id),
      inScope: (id) => scopeIds === null || scopeIds.has(id),
    };
  }
}

/**
 * Every removal a full cycle planned, by Entra user (a later read replaces an earlier one). The
 * operations themselves are kept while there are few enough that the threshold may let them run
 * (`keepWhole`: the threshold plus the removals the open approval holds or an approver rejected);
 * past that the threshold holds them all, and only what an approval stores is kept.
 */
export class RemovalCollector {
  private readonly held = new Map<string, HeldRemoval>();
  private whole: Map<string, RemovalOp> | null = new Map();

  constructor(private readonly keepWhole: number) {}

  add(op: RemovalOp): void {
    this.held.set(op.entraId, heldRemoval(op));
    this.whole?.set(op.entraId, op);
    if (this.held.size > this.keepWhole) this.whole = null;
  }

  drop(entraId: string): void {
    this.held.delete(entraId);
    this.whole?.delete(entraId);
  }

  list(): readonly HeldRemoval[] {
    return [...this.held.values()];
  }

  /** the operation planned for a removal, when it was kept whole */
  op(entraId: string): RemovalOp | undefined {
    return this.whole?.get(entraId);
  }
}
