import type { ValidationProblem } from "../ports/provisioning-engine.js";
import type { TargetChanges, TargetUser } from "../users.js";
import { attributeHash, changedFields, derivedHash, toTargetUser } from "./mapping.js";
import {
  type AdoptOp,
  type CreateOp,
  type DeactivateOp,
  type DeactivationCause,
  type DeleteOp,
  dedupKey,
  type LinkState,
  type SkipOp,
  type UpdateOp,
} from "./operations.js";
import type { TargetRecord } from "./plan-index.js";
import { printable } from "./text-safety.js";

/** A user in scope after mapping and validation: the planner's view of the source. */
export interface PlannedUser {
  readonly entraId: string;
  readonly target: TargetUser;
  readonly problems: readonly ValidationProblem[];
}

const CAUSE_TEXT: Readonly<Record<DeactivationCause, string>> = {
  disabled: "the account is disabled in Entra",
  soft_deleted: "the user was deleted in Entra (still in the recycle bin)",
  hard_deleted: "the user was permanently deleted in Entra; the policy deactivates rather than deletes",
  out_of_scope: "the user left the sync scope",
  missing_from_source: "a full read no longer finds the user in Entra or in the sync scope",
};

export function createOp(user: PlannedUser, targetChecked: boolean): CreateOp {
  const hash = attributeHash(user.target);
  return {
    action: "create",
    entraId: user.entraId,
    userName: user.target.userName,
    reason: targetChecked
      ? "new in scope; no ABM user has its externalId or userName"
      : "new in scope and not linked yet; ABM is looked up by externalId and userName before creating",
    dedupKey: dedupKey(user.entraId, "create", hash),
    target: user.target,
    hash,
    targetChecked,
  };
}

export function adoptOp(
  user: PlannedUser,
  scimId: string,
  matchedBy: AdoptOp["matchedBy"],
  changes: TargetChanges,
  replacesEntraId: string | null,
  note?: string,
): AdoptOp {
  const hash = attributeHash(user.target);
  const fields = changedFields(changes);
  const how =
    matchedBy === "link"
      ? "ABM already holds the linked user with these values; recording them"
      : `ABM user ${scimId} matches by ${matchedBy}; linking it instead of creating a duplicate`;
  const parts = [
    note,
    how,
    replacesEntraId === null ? undefined : `it was linked to inactive Entra user ${replacesEntraId}`,
  ];
  if (fields.length > 0) parts.push(`updating ${fields.join(", ")}`);
  return {
    action: "adopt",
    entraId: user.entraId,
    userName: user.target.userName,
    reason: parts.filter((p) => p !== undefined).join("; "),
    dedupKey: dedupKey(user.entraId, "adopt", hash),
    scimId,
    matchedBy,
    target: user.target,
    changes,
    hash,
    replacesEntraId,
  };
}

export function updateOp(user: PlannedUser, scimId: string, changes: TargetChanges, againstTarget: boolean): UpdateOp {
  const hash = attributeHash(user.target);
  const fields = changedFields(changes);
  const shown = fields.filter((f) => f !== "active");
  const lead = changes.active === true ? "re-enabled in Entra" : undefined;
  const diff =
    shown.length === 0
      ? undefined
      : `${againstTarget ? "ABM differs from Entra in" : "changed in Entra:"} ${shown.join(", ")}`;
  return {
    action: "update",
    entraId: user.entraId,
    userName: user.target.userName,
    reason: [lead, diff].filter((p) => p !== undefined).join("; "),
    dedupKey: dedupKey(user.entraId, "update", hash),
    scimId,
    target: user.target,
    changes,
    changedFields: fields,
    hash,
  };
}

/** Deactivate a linked user; the recorded state is what ABM holds (seen or last pushed) with active = false. */
export function deactivateLinkedOp(
  link: LinkState,
  cause: DeactivationCause,
  current: TargetRecord | undefined,
): DeactivateOp {
  const base = current !== undefined ? toTargetUser(current) : (link.lastPushed ?? null);
  return deactivateOp(link.entraId, link.scimId, cause, base, link.userName, link.attributeHash);
}

/** Deactivate an unlinked ABM user that carries this Entra user's externalId (it is ours). */
export function deactivateMatchedOp(entraId: string, current: TargetRecord, cause: DeactivationCause): DeactivateOp {
  const op = deactivateOp(entraId, current.id, cause, toTargetUser(current), current.userName, "");
  return { ...op, reason: `${op.reason}; ABM user ${current.id} carries its externalId and is linked now` };
}

function deactivateOp(
  entraId: string,
  scimId: string,
  cause: DeactivationCause,
  base: TargetUser | null,
  userName: string,
  previousHash: string,
): DeactivateOp {
  const target = base === null ? null : { ...base, active: false };
  const hash = target === null ? derivedHash("inactive", previousHash) : attributeHash(target);
  return {
    action: "deactivate",
    entraId,
    userName: target?.userName ?? userName,
    reason: CAUSE_TEXT[cause],
    dedupKey: dedupKey(entraId, "deactivate", hash),
    scimId,
    cause,
    target,
    hash,
  };
}

export function deleteOp(link: LinkState): DeleteOp {
  const hash = derivedHash("deleted", link.attributeHash);
  return {
    action: "delete",
    entraId: link.entraId,
    userName: link.userName,
    reason: "the user was permanently deleted in Entra and the policy deletes such users from ABM",
    dedupKey: dedupKey(link.entraId, "delete", hash),
    scimId: link.scimId,
    cause: "hard_deleted",
    hash,
  };
}

export function skipOp(user: PlannedUser, problems: readonly ValidationProblem[]): SkipOp {
  const hash = attributeHash(user.target);
  return {
    action: "skip",
    entraId: user.entraId,
    // made printable: a userName with a control character is itself the problem, and is stored
    userName: user.target.userName === "" ? null : printable(user.target.userName),
    reason: `not sent: ${problems.map((p) => p.message).join(" ")}`,
    dedupKey: dedupKey(user.entraId, "skip", hash),
    target: user.target,
    problems,
  };
}
