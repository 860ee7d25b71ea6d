import { z } from "zod";
import type { AppError } from "#core/errors.js";
import type { FailureEntry } from "#core/ports/provisioning-engine.js";
import { ok, type Result } from "#core/result.js";
import { printable } from "#core/sync/text-safety.js";
import type { LogEntry } from "./schemas.js";
import type { SyncApi } from "./sync-api.js";

/** What an admin can do about Entra's most common provisioning error codes for ABM. */
const FIXES: Readonly<Record<string, string>> = {
  SystemForCrossDomainIdentityManagementBadRequest:
    "ABM rejected the user's values (often a missing given name, family name or e-mail). Run `check <user>` and fix the attributes in Entra.",
  SystemForCrossDomainIdentityManagementConflict:
    "The address already belongs to another Apple Account (often a personal one). Ask the user to change that account's e-mail, or change the userName; the next cycle retries.",
  SystemForCrossDomainIdentityManagementUnauthorized:
    "ABM refused the token: create a new SCIM token in ABM → Preferences → Directory Sync and paste it in Entra → Provisioning → Admin credentials.",
  SystemForCrossDomainIdentityManagementServiceFailure:
    "ABM failed temporarily; Entra retries the user on the next cycles.",
  AttributeMappingEvaluationError:
    "An attribute mapping expression failed for this user; check the job's attribute mappings in Entra.",
  EntryNotFound: "The user no longer exists in Entra.",
};

export function fixFor(code: string, recommended: string | null | undefined): string {
  return (
    FIXES[code] ??
    (recommended !== null && recommended !== undefined && recommended !== ""
      ? recommended
      : "Entra retries the user on the next cycles; run `check <user>` for details.")
  );
}

function userNameOf(entry: LogEntry): string | null {
  const details = entry.sourceIdentity?.details;
  const upn = details?.UserPrincipalName ?? details?.userPrincipalName;
  return typeof upn === "string" ? upn : (entry.sourceIdentity?.displayName ?? null);
}

/**
 * One failed provisioning log entry → FailureEntry (reason = errorCode / reason, user =
 * sourceIdentity). Entra's texts may quote the user's bad value (a NUL, a lone surrogate), and the
 * entry is stored (alert outbox, incidents): such characters are shown as [U+XXXX] instead.
 */
function toFailure(entry: LogEntry, attempts = 1): FailureEntry {
  const info = entry.provisioningStatusInfo?.errorInformation;
  const code = printable(info?.errorCode ?? "EntraProvisioningFailure");
  const userName = userNameOf(entry);
  return {
    entraId: printable(entry.sourceIdentity?.id ?? ""),
    userName: userName === null ? null : printable(userName),
    action: printable((entry.provisioningAction ?? entry.action ?? "other").toLowerCase()),
    code: `entra.${code}`,
    reason: printable(info?.reason ?? info?.additionalDetails ?? code),
    fix: printable(fixFor(code, info?.recommendedAction)),
    attempts,
    lastAttemptAt: new Date(entry.activityDateTime),
    nextRetryAt: null,
  };
}

/** Users whose LATEST entry in the window failed (a later success clears them), attempts = failures seen. */
export function currentFailures(entries: readonly LogEntry[]): FailureEntry[] {
  const byUser = new Map<string, { latest: LogEntry; failures: number }>();
  const sorted = [...entries].sort((a, b) => Date.parse(a.activityDateTime) - Date.parse(b.activityDateTime));
  for (const entry of sorted) {
    const id = entry.sourceIdentity?.id ?? "";
    if (id === "") continue;
    const failed = entry.provisioningStatusInfo?.status === "failure";
    const seen = byUser.get(id);
    byUser.set(id, { latest: entry, failures: (seen?.failures ?? 0) + (failed ? 1 : 0) });
  }
  return [...byUser.values()]
    .filter((u) => u.latest.provisioningStatusInfo?.status === "failure")
    .map((u) => toFailure(u.latest, u.failures));
}

/** the persisted position of the failure poll: a time and the ids already seen near it */
const CursorSchema = z.object({ at: z.string(), seen: z.array(z.string()) });
type Cursor = z.infer<typeof CursorSchema>;

export function readCursor(raw: string | null): Cursor | null {
  if (raw === null) return null;
  try {
    const parsed = CursorSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * New failure entries since the cursor. The query re-reads an overlap window before the cursor
 * (log entries can arrive late) and drops the ids already alerted, so nothing is alerted twice or
 * missed across restarts; the caller persists `next` only after handing the failures on.
 */
export async function failuresSince(
  api: SyncApi,
  jobId: string,
  cursor: Cursor,
  overlapMs: number,
  limit: number,
): Promise<Result<{ failures: FailureEntry[]; next: Cursor }, AppError>> {
  const from = new Date(Date.parse(cursor.at) - overlapMs);
  const got = await api.logs(
    jobId,
    [api.clause("activityDateTime", "ge", from), api.clause("provisioningStatusInfo/status", "eq", "failure")],
    limit,
  );
  if (!got.ok) return got;
  const seen = new Set(cursor.seen);
  const fresh = got.value.filter((e) => !seen.has(e.id));
  const all = [...got.value].sort((a, b) => Date.parse(a.activityDateTime) - Date.parse(b.activityDateTime));
  const latest = all.at(-1)?.activityDateTime;
  const at = latest !== undefined && Date.parse(latest) > Date.parse(cursor.at) ? latest : cursor.at;
  // every seen entry that the next read can return again is in this read (it starts earlier)
  const keepFrom = Date.parse(at) - overlapMs;
  const next: Cursor = {
    at,
    seen: all.filter((e) => Date.parse(e.activityDateTime) >= keepFrom).map((e) => e.id),
  };
  return ok({ failures: fresh.map((e) => toFailure(e)), next });
}
