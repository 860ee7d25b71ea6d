import { errorFix, isErrorCode } from "../error-codes.js";
import type { SyncOp } from "../sync/operations.js";
import type { FailureRecord } from "./engine-store.js";

/** What an admin can do about a failed user: the code's own fix (src/core/error-codes.ts). */
function fixFor(code: string): string {
  return isErrorCode(code)
    ? errorFix(code)
    : "Retried automatically on the next cycles; run `abm check <user>` for details.";
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
