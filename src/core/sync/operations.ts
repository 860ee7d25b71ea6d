import type { ValidationProblem } from "../ports/provisioning-engine.js";
import type { TargetChanges, TargetField, TargetUser } from "../users.js";

/**
 * What the sync knows about a user it owns in ABM: one row of `user_links`, reduced to what the
 * planner needs. The database layer maps its rows to this.
 */
export interface LinkState {
  /** Entra object id */
  readonly entraId: string;
  /** the ABM (SCIM) user id */
  readonly scimId: string;
  /** the userName last pushed */
  readonly userName: string;
  /** `attributeHash` of the state last pushed */
  readonly attributeHash: string;
  readonly active: boolean;
  /**
   * The full state last pushed, when stored. Optional: with it, incremental updates send only the
   * changed fields; without it they send every field (still correct, just larger).
   */
  readonly lastPushed?: TargetUser | null;
}

export type SyncAction = "create" | "adopt" | "update" | "deactivate" | "delete" | "skip";

export type DeactivationCause =
  /** accountEnabled is false in Entra */
  | "disabled"
  /** deleted in Entra, still in the recycle bin */
  | "soft_deleted"
  /** permanently deleted in Entra (policy: deactivate) */
  | "hard_deleted"
  /** no longer assigned / in the sync scope */
  | "out_of_scope"
  /** a full cycle did not find the user in Entra's users in scope */
  | "missing_from_source";

interface OpBase {
  readonly entraId: string;
  /** the userName the ABM user has or will have (null when unknown) */
  readonly userName: string | null;
  /** why, in words an admin understands */
  readonly reason: string;
  /**
   * `${entraId}:${action}:${hash}`: the same transition gets the same key in every re-plan, so an
   * executor that journaled it as succeeded after the link's last update need not apply it again.
   */
  readonly dedupKey: string;
}

export interface CreateOp extends OpBase {
  readonly action: "create";
  readonly target: TargetUser;
  readonly hash: string;
  /**
   * true when the planner saw the whole of ABM (full cycle) and no user matched. When false the
   * executor must look ABM up by externalId and userName first (or treat a 409 as a match) so no
   * duplicate is ever created.
   */
  readonly targetChecked: boolean;
}

export interface AdoptOp extends OpBase {
  readonly action: "adopt";
  readonly scimId: string;
  /** how the ABM user was found; `link` = already linked, the stored state was stale */
  readonly matchedBy: "externalId" | "userName" | "link";
  readonly target: TargetUser;
  /** what to PATCH while adopting; empty = link only */
  readonly changes: TargetChanges;
  readonly hash: string;
  /** another Entra user whose (inactive) link to this ABM user is replaced; the executor removes it */
  readonly replacesEntraId: string | null;
}

export interface UpdateOp extends OpBase {
  readonly action: "update";
  readonly scimId: string;
  readonly target: TargetUser;
  readonly changes: TargetChanges;
  readonly changedFields: readonly TargetField[];
  readonly hash: string;
}

export interface DeactivateOp extends OpBase {
  readonly action: "deactivate";
  readonly scimId: string;
  readonly cause: DeactivationCause;
  /** the state ABM holds afterwards, when known (last pushed or seen, with active = false) */
  readonly target: TargetUser | null;
  readonly hash: string;
}

export interface DeleteOp extends OpBase {
  readonly action: "delete";
  readonly scimId: string;
  readonly cause: "hard_deleted";
  readonly hash: string;
}

export interface SkipOp extends OpBase {
  readonly action: "skip";
  readonly target: TargetUser;
  readonly problems: readonly ValidationProblem[];
}

export type SyncOp = CreateOp | AdoptOp | UpdateOp | DeactivateOp | DeleteOp | SkipOp;
export type RemovalOp = DeactivateOp | DeleteOp;

export function dedupKey(entraId: string, action: SyncAction, hash: string): string {
  return `${entraId}:${action}:${hash}`;
}

export function isRemoval(op: SyncOp): op is RemovalOp {
  return op.action === "deactivate" || op.action === "delete";
}

/**
 * The link to store once `op` succeeded (`scimId` is the id ABM returned for a create); null means
 * remove the link (delete). Skips change nothing: undefined.
 */
export function linkAfter(op: SyncOp, previous: LinkState | null, scimId?: string): LinkState | null | undefined {
  switch (op.action) {
    case "skip":
      return undefined;
    case "delete":
      return null;
    case "create":
      if (scimId === undefined) throw new TypeError("linkAfter(create) needs the scimId ABM returned");
      return link(op.entraId, scimId, op.target, op.hash);
    case "adopt":
    case "update":
      return link(op.entraId, op.scimId, op.target, op.hash);
    case "deactivate":
      if (op.target !== null) return link(op.entraId, op.scimId, op.target, op.hash);
      return {
        entraId: op.entraId,
        scimId: op.scimId,
        userName: op.userName ?? previous?.userName ?? "",
        attributeHash: op.hash,
        active: false,
        lastPushed: null,
      };
  }
}

function link(entraId: string, scimId: string, target: TargetUser, hash: string): LinkState {
  return { entraId, scimId, userName: target.userName, attributeHash: hash, active: target.active, lastPushed: target };
}
