import type { AppError } from "../errors.js";
import type { ScimTarget } from "../ports/scim-target.js";
import { err, ok, type Result } from "../result.js";
import { attributeHash, toTargetUser } from "../sync/mapping.js";
import type { SyncOp } from "../sync/operations.js";
import type { ScimUser } from "../users.js";

/**
 * One ABM user as a full cycle remembers it: the keys it is matched by, whether it is active, and
 * the `attributeHash` of its fields (not the fields: 100,000 whole SCIM users are what a full
 * cycle must not hold). A part that needs the fields rebuilds them from a state with the same hash
 * (the source user's, or the state its link last pushed) or reads the user again (slice-targets.ts).
 */
export interface AbmEntry {
  readonly id: string;
  readonly externalId: string | null;
  readonly userName: string;
  active: boolean;
  hash: string;
  /** an operation of this cycle acts on it (at most one operation per ABM user and cycle) */
  used: boolean;
}

/**
 * Every ABM user of a full cycle, indexed by id, externalId and lower-cased userName, as the cycle
 * began: the keys of a user it renames stay as listed, as for a planner that saw the whole listing,
 * and a user it creates is not added (an initial cycle would grow the index by its whole directory;
 * no other user of the cycle can match it, and a user read twice in one cycle has its ABM user read
 * again, slice-targets.ts). When ABM holds two users with one externalId or userName the first
 * listed wins, as in the planner's own index.
 */
export class AbmIndex {
  private readonly byIdMap = new Map<string, AbmEntry>();
  private readonly byExternalIdMap = new Map<string, AbmEntry>();
  private readonly byUserNameMap = new Map<string, AbmEntry>();

  get size(): number {
    return this.byIdMap.size;
  }

  byId(id: string): AbmEntry | undefined {
    return this.byIdMap.get(id);
  }

  byExternalId(externalId: string): AbmEntry | undefined {
    return this.byExternalIdMap.get(externalId);
  }

  byUserName(userName: string): AbmEntry | undefined {
    return this.byUserNameMap.get(userName.toLowerCase());
  }

  /** every indexed ABM user, in listing order */
  entries(): IterableIterator<AbmEntry> {
    return this.byIdMap.values();
  }

  /**
   * The ABM users an Entra user can own as the planner matches them: the one carrying its
   * externalId, then the one with its userName (case-insensitive); either may be missing.
   */
  matchesFor(entraId: string, userName: string): [AbmEntry | undefined, AbmEntry | undefined] {
    return [this.byExternalId(entraId), this.byUserName(userName)];
  }

  add(user: ScimUser): void {
    this.put({
      id: user.id,
      externalId: user.externalId,
      userName: user.userName,
      active: user.active,
      hash: attributeHash(toTargetUser(user)),
      used: false,
    });
  }

  /** what an indexed ABM user holds once `op` succeeded */
  applied(op: SyncOp): void {
    if (op.action === "skip" || op.action === "create") return;
    const entry = this.byIdMap.get(op.scimId);
    if (entry === undefined) return;
    if (op.action === "delete") {
      this.byIdMap.delete(op.scimId);
      return;
    }
    // a deactivation without a known state leaves a hash nothing matches: read again if needed
    entry.active = op.action === "deactivate" ? false : op.target.active;
    entry.hash = op.hash;
  }

  private put(entry: AbmEntry): void {
    this.byIdMap.set(entry.id, entry);
    if (entry.externalId !== null && !this.byExternalIdMap.has(entry.externalId))
      this.byExternalIdMap.set(entry.externalId, entry);
    const key = entry.userName.toLowerCase();
    if (!this.byUserNameMap.has(key)) this.byUserNameMap.set(key, entry);
  }
}

/** Lists ABM page by page into an index; nothing but the index outlives a page. */
export async function indexAbm(target: ScimTarget): Promise<Result<AbmIndex, AppError>> {
  const index = new AbmIndex();
  for await (const page of target.list()) {
    if (!page.ok) return err(page.error);
    for (const user of page.value) index.add(user);
  }
  return ok(index);
}
