import { AppError, toAppError } from "../errors.js";
import type { ScimTarget } from "../ports/scim-target.js";
import { diffTargets, toTargetUser } from "../sync/mapping.js";
import type { CreateOp, SyncOp } from "../sync/operations.js";
import type { ScimUser, TargetChanges } from "../users.js";

/**
 * The outcome of one planned operation applied to ABM. Each operation becomes exactly one outcome;
 * nothing throws out of `executeOp` (programmer errors become `internal.unexpected`).
 */
export type OpOutcome =
  | {
      readonly op: SyncOp;
      readonly status: "succeeded";
      /** the ABM id the link should point at afterwards (null for deletions) */
      readonly scimId: string | null;
      /** a create that found the user already in ABM and linked it instead */
      readonly adopted: boolean;
      /** the ABM user was already gone (deactivate/delete/update of a vanished user) */
      readonly gone: boolean;
    }
  | { readonly op: SyncOp; readonly status: "failed"; readonly error: AppError }
  | { readonly op: SyncOp; readonly status: "skipped" };

/** Applies one operation; never throws (anything thrown becomes a failed outcome). */
export async function executeOp(op: SyncOp, target: ScimTarget): Promise<OpOutcome> {
  try {
    return await applyOne(op, target);
  } catch (error) {
    return { op, status: "failed", error: toAppError(error) };
  }
}

async function applyOne(op: SyncOp, target: ScimTarget): Promise<OpOutcome> {
  switch (op.action) {
    case "skip":
      return { op, status: "skipped" };
    case "create":
      return create(op, target);
    case "adopt":
    case "update": {
      if (Object.keys(op.changes).length === 0) return done(op, op.scimId);
      const patched = await target.patch(op.scimId, op.changes);
      if (patched.ok) return done(op, op.scimId);
      return { op, status: "failed", error: patched.error };
    }
    case "deactivate": {
      const result = await target.deactivate(op.scimId);
      if (result.ok) return done(op, op.scimId);
      if (result.error.code === "scim.not_found") return done(op, null, true);
      return { op, status: "failed", error: result.error };
    }
    case "delete": {
      const result = await target.delete(op.scimId);
      if (result.ok || result.error.code === "scim.not_found") return done(op, null, !result.ok);
      return { op, status: "failed", error: result.error };
    }
  }
}

function done(op: SyncOp, scimId: string | null, gone = false): OpOutcome {
  return { op, status: "succeeded", scimId, adopted: false, gone };
}

/**
 * Never creates a duplicate: unless the planner saw all of ABM, look the user up by externalId
 * and userName first; and a 409 is treated as "it may already be there" and looked up again.
 */
async function create(op: CreateOp, target: ScimTarget): Promise<OpOutcome> {
  if (!op.targetChecked) {
    const existing = await findExisting(op, target);
    if (!existing.ok) return { op, status: "failed", error: existing.error };
    if (existing.user !== null) return adoptExisting(op, existing.user, target);
  }
  const created = await target.create(op.target);
  if (created.ok) return done(op, created.value.id);
  if (created.error.code !== "scim.conflict") return { op, status: "failed", error: created.error };
  const existing = await findExisting(op, target);
  if (existing.ok && existing.user !== null) return adoptExisting(op, existing.user, target);
  return { op, status: "failed", error: created.error };
}

type Lookup = { readonly ok: true; readonly user: ScimUser | null } | { readonly ok: false; readonly error: AppError };

async function findExisting(op: CreateOp, target: ScimTarget): Promise<Lookup> {
  const byExternalId = await target.findByExternalId(op.entraId);
  if (!byExternalId.ok) return { ok: false, error: byExternalId.error };
  if (byExternalId.value !== null) return { ok: true, user: byExternalId.value };
  const byUserName = await target.findByUserName(op.target.userName);
  if (!byUserName.ok) return { ok: false, error: byUserName.error };
  const found = byUserName.value;
  if (found === null) return { ok: true, user: null };
  if (found.externalId !== null && found.externalId !== op.entraId) {
    return {
      ok: false,
      error: new AppError(
        "sync.user_name_taken",
        `ABM already has ${op.target.userName} linked to another directory object (externalId ${found.externalId}).`,
        { context: { entraId: op.entraId, scimId: found.id } },
      ),
    };
  }
  return { ok: true, user: found };
}

async function adoptExisting(op: CreateOp, existing: ScimUser, target: ScimTarget): Promise<OpOutcome> {
  const changes: TargetChanges = diffTargets(op.target, toTargetUser(existing));
  if (Object.keys(changes).length > 0) {
    const patched = await target.patch(existing.id, changes);
    if (!patched.ok) return { op, status: "failed", error: patched.error };
  }
  return { op, status: "succeeded", scimId: existing.id, adopted: true, gone: false };
}
