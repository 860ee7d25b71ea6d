import type { Approval } from "#core/approvals/approval.js";
import type {
  ConnectionState,
  EngineStatus,
  Quarantine,
  RunSummary,
  SyncScope,
} from "#core/ports/provisioning-engine.js";
import { ZERO_COUNTS } from "#core/ports/provisioning-engine.js";
import type { Execution, Job } from "./schemas.js";

/** Entra writes `0001-01-01T00:00:00Z` for "never". */
export function graphTime(value: string | null | undefined): Date | null {
  if (value === null || value === undefined || value.startsWith("0001-01-01")) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

const QUARANTINE_WORDS: Readonly<Record<string, string>> = {
  TooManyDeletes: "more users would be deleted or disabled than the accidental-deletions threshold allows",
  EncounteredQuarantineException:
    "Entra could not talk to Apple Business Manager (usually the SCIM token expired or was revoked: create a new token in ABM → Preferences → Directory Sync and paste it in Entra → Provisioning → Admin credentials)",
  EncounteredBaseEscrowThreshold: "too many users failed to provision in a row (run `errors` to see why)",
  EncounteredTotalEscrowThreshold: "too many users are failing to provision (run `errors` to see why)",
  EncounteredEscrowProportionThreshold: "too large a share of users failed to provision (run `errors` to see why)",
  QuarantinedOnDemand: "an administrator quarantined the job",
  IngestionInterrupted: "Entra's provisioning service was interrupted; it retries by itself",
};

function quarantineWords(reason: string): string {
  return QUARANTINE_WORDS[reason] ?? `Entra reports quarantine reason ${reason}`;
}

function outcome(state: string | null | undefined): RunSummary["outcome"] {
  if (state === "Succeeded") return "succeeded";
  if (state === "EntryLevelErrors") return "partial";
  if (state === "Failed") return "failed";
  return "running";
}

/** One job execution as a RunSummary; null for the "never" placeholder. Entra counts exports, not creates vs updates. */
export function runFromExecution(execution: Execution | null | undefined): RunSummary | null {
  if (execution === null || execution === undefined) return null;
  const startedAt = graphTime(execution.timeBegan);
  if (startedAt === null) return null;
  const id = execution.activityIdentifier ?? "";
  return {
    id: `entra_${id === "" ? startedAt.getTime().toString(36) : id.slice(0, 36)}`,
    kind: "incremental",
    trigger: "schedule",
    actor: "entra",
    startedAt,
    finishedAt: graphTime(execution.timeEnded),
    outcome: outcome(execution.state),
    counts: { ...ZERO_COUNTS, updated: execution.countExported, failed: execution.countEscrowed },
    error:
      execution.error === null || execution.error === undefined
        ? null
        : {
            code: `entra.${execution.error.code ?? "error"}`,
            message: execution.error.message ?? "Entra reported an error.",
          },
  };
}

/** PT40M / PT1H → ms (Entra's schedule interval); null when unreadable. */
function isoDurationMs(value: string | null | undefined): number | null {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(value ?? "");
  if (match === null) return null;
  const [, d, h, m, s] = match;
  return ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(m ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
}

export interface StatusExtras {
  readonly scope: SyncScope;
  readonly failingUsers: number;
  readonly pending: Approval | null;
  readonly rejected: boolean;
  readonly threshold: { readonly enabled: boolean; readonly value: number };
  readonly emailNotifications: boolean;
}

function stateOf(job: Job, extras: StatusExtras): ConnectionState {
  const { code, quarantine, progress } = job.status;
  switch (code) {
    case "NotConfigured":
      return "not_configured";
    case "Paused":
      return "paused";
    case "Quarantine":
      if (quarantine?.reason === "TooManyDeletes") return extras.rejected ? "deletions_rejected" : "awaiting_approval";
      return "quarantined";
    case "NotRun":
      return (progress?.length ?? 0) > 0 ? "running" : "idle";
    default:
      return "idle";
  }
}

/** The Entra job as the same EngineStatus the native engine reports, Entra's words translated. */
export function translateStatus(job: Job, extras: StatusExtras): EngineStatus {
  const s = job.status;
  const lastRun = runFromExecution(s.lastExecution);
  const lastSuccessfulRun = runFromExecution(s.lastSuccessfulExecution);
  const quarantine: Quarantine | null =
    s.code === "Quarantine" && s.quarantine !== null && s.quarantine !== undefined
      ? {
          reason: quarantineWords(s.quarantine.reason ?? "Unknown"),
          since: graphTime(s.quarantine.currentBegan) ?? new Date(0),
          nextAttemptAt: graphTime(s.quarantine.nextAttempt),
        }
      : null;
  const interval = isoDurationMs(job.schedule?.interval) ?? 40 * 60_000;
  const nextRunAt =
    s.code === "Paused" || s.code === "NotConfigured"
      ? null
      : quarantine !== null
        ? quarantine.nextAttemptAt
        : lastRun === null
          ? null
          : new Date(lastRun.startedAt.getTime() + interval);
  const notes: string[] = [`Entra provisioning job ${job.id} (status ${s.code}); Entra runs the cycles itself.`];
  const steady = graphTime(s.steadyStateLastAchievedTime);
  notes.push(
    steady === null
      ? "The initial cycle has not completed yet (steady state never reached)."
      : `Steady state last reached ${steady.toISOString().slice(0, 16).replace("T", " ")} UTC.`,
  );
  const progress = s.progress?.[0];
  if (progress?.completionPercentage !== null && progress?.completionPercentage !== undefined) {
    notes.push(`Initial cycle progress: ${Math.round(progress.completionPercentage)}%.`);
  }
  if (s.countSuccessiveCompleteFailures > 0) {
    notes.push(`${s.countSuccessiveCompleteFailures} cycles in a row failed completely.`);
  }
  if (s.quarantine !== null && s.quarantine !== undefined && s.code === "Quarantine") {
    notes.push(
      `Quarantine series: ${s.quarantine.seriesCount} ${s.quarantine.seriesCount === 1 ? "attempt" : "attempts"}, Entra reason ${s.quarantine.reason ?? "Unknown"}.`,
    );
  }
  if (extras.rejected)
    notes.push("The held deletions were rejected: the job stays quarantined until the scope is fixed.");
  notes.push(
    extras.threshold.enabled
      ? `Accidental-deletions threshold: ${extras.threshold.value} per cycle.`
      : "Entra's accidental-deletions prevention is off.",
  );
  notes.push(
    extras.emailNotifications
      ? "Entra also e-mails its failure notifications."
      : "Entra's notification e-mail is off (alerts come here instead).",
  );
  return {
    engine: "entra",
    state: stateOf(job, extras),
    scope: extras.scope,
    paused: s.code === "Paused",
    quarantine,
    lastRun,
    lastSuccessfulRun,
    nextRunAt,
    linkedUsers: s.synchronizedEntryCountByType?.find((e) => e.key.toLowerCase() === "user")?.value ?? null,
    failingUsers: extras.failingUsers,
    pendingApproval: extras.pending,
    tokenExpiresAt: null,
    notes,
  };
}
