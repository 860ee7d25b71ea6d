import type { SyncOp } from "../sync/operations.js";
import type { FailureRecord } from "./engine-store.js";

/**
 * What an admin can do about each kind of failure. The messages mirror what ABM and Entra
 * admins actually meet (ABM's Download Logs reasons), in plain words.
 */
const FIXES: Readonly<Record<string, string>> = {
  "scim.conflict":
    "The address already belongs to another Apple Account (often a personal one). Ask the user to change the personal Apple Account's e-mail, or use a different userName; ABM then accepts the user.",
  "sync.user_name_taken":
    "Another directory object already owns this userName in ABM. Remove or rename that account in ABM, or fix the duplicate in Entra.",
  "scim.invalid": "ABM rejected the values. Check the user's attributes with `abm check <user>` and fix them in Entra.",
  "scim.auth":
    "ABM refused the token: it expired or was revoked. Create a new one in ABM → Preferences → Directory Sync and set ABM_SCIM_TOKEN.",
  "scim.not_found": "The user no longer exists in ABM; the next full cycle recreates or relinks it.",
  "scim.rate_limited": "ABM asked us to slow down; the user is retried automatically.",
  "scim.transient": "ABM or the network failed temporarily; the user is retried automatically.",
};

function fixFor(code: string): string {
  return FIXES[code] ?? "Retried automatically on the next cycles; run `abm check <user>` for details.";
}

export function failureFor(
  op: SyncOp,
  code: string,
  message: string,
  fix: string | null,
  at: Date,
  nextRetryAt: Date | null,
): FailureRecord {
  return {
    entraId: op.entraId,
    userName: op.userName,
    action: op.action,
    code,
    reason: message,
    fix: fix ?? fixFor(code),
    at,
    nextRetryAt,
  };
}

/** Escrow back-off: 1 min, 2, 4 … capped at 6 h; a server's Retry-After is respected when longer. */
export function retryDelayMs(attempt: number, retryAfterMs?: number): number {
  const base = Math.min(6 * 60 * 60 * 1000, 60_000 * 2 ** Math.max(0, attempt - 1));
  return Math.max(base, retryAfterMs ?? 0);
}
