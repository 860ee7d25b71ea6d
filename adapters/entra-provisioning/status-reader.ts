import type { Approval } from "#core/approvals/approval.js";
import type { AppError } from "#core/errors.js";
import type { EngineStatus, SyncScope } from "#core/ports/provisioning-engine.js";
import { ok, type Result } from "#core/result.js";
import type { DeletionDecisions } from "./deletion-decisions.js";
import type { FailuresOf } from "./engine-support.js";
import { type StatusExtras, translateStatus } from "./job-status.js";
import type { Secret } from "./schemas.js";
import { notificationSettings } from "./secrets.js";
import type { SyncApi } from "./sync-api.js";

/** `SyncAll` = "true" (any case) → all users, anything else → assigned users and groups. */
export function statusScope(secrets: readonly Secret[]): SyncScope {
  return secrets.some((s) => s.key === "SyncAll" && s.value.toLowerCase() === "true") ? "all" : "assigned";
}

/** What the status needs besides the job: scope, threshold and e-mail from the secrets, failures, held deletions. */
export function statusExtras(
  secrets: readonly Secret[],
  facts: { readonly failingUsers: number; readonly pending: Approval | null; readonly rejected: boolean },
): StatusExtras {
  const settings = notificationSettings(secrets);
  return {
    scope: statusScope(secrets),
    failingUsers: facts.failingUsers,
    pending: facts.pending,
    rejected: facts.rejected,
    threshold: { enabled: settings.deleteThresholdEnabled, value: settings.deleteThresholdValue },
    emailNotifications: settings.emailEnabled,
  };
}

/** `status()`: the job, its secrets, the failing users and the held deletions, in Entra's words translated. */
export function createStatusReader(deps: {
  readonly api: SyncApi;
  readonly failuresOf: FailuresOf;
  readonly decisions: DeletionDecisions;
}) {
  const { api } = deps;
  return async (): Promise<Result<EngineStatus, AppError>> => {
    const job = await api.findJob();
    if (!job.ok) return job;
    const secrets = await api.secrets();
    if (!secrets.ok) return secrets;
    const failures = await deps.failuresOf(job.value.id);
    if (!failures.ok) return failures;
    const held = await deps.decisions.observe(job.value, secrets.value);
    const pending = held?.status === "pending" ? held : null;
    const rejected = held?.status === "rejected";
    return ok(
      translateStatus(
        job.value,
        statusExtras(secrets.value, { failingUsers: failures.value.length, pending, rejected }),
      ),
    );
  };
}
