import type { Prng } from "./prng.js";
import type { GraphStore } from "./store.js";

/**
 * Entra's provisioning job for the "Apple Business Manager" app, as the emulator simulates it:
 * one job on the emulator's service principal, its secrets, its schema, a provisioning log, and a
 * small cycle state machine (NotRun → Active initial cycle → steady state; quarantine on a
 * credential failure or too many deletes; `ForceDeletes` releases the held deletions).
 */
const NEVER = "0001-01-01T00:00:00Z";
export const USER_RULE_ID = "03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8";
export const SCIM_USER = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

export type StatusCode = "NotConfigured" | "NotRun" | "Active" | "Paused" | "Quarantine";

export interface Execution {
  activityIdentifier: string;
  countEntitled: number;
  countEntitledForProvisioning: number;
  countEscrowed: number;
  countEscrowedRaw: number;
  countExported: number;
  countExports: number;
  countImported: number;
  countImportedDeltas: number;
  countImportedReferenceDeltas: number;
  error: { code: string; message: string; tenantActionable: boolean } | null;
  state: "Succeeded" | "Failed" | "EntryLevelErrors";
  timeBegan: string;
  timeEnded: string;
}

export interface JobQuarantine {
  currentBegan: string;
  nextAttempt: string;
  reason: string;
  seriesBegan: string;
  seriesCount: number;
}

export interface JobRecord {
  readonly id: string;
  code: StatusCode;
  initialDone: boolean;
  countSuccessiveCompleteFailures: number;
  lastExecution: Execution | null;
  lastSuccessfulExecution: Execution | null;
  lastSuccessfulExecutionWithExports: Execution | null;
  quarantine: JobQuarantine | null;
  /** deletions held by the TooManyDeletes quarantine */
  pendingDeletes: number;
  steadyStateFirstAchievedTime: string;
  steadyStateLastAchievedTime: string;
  /** users this job has provisioned (Entra object id → ABM id) */
  readonly provisioned: Map<string, string>;
}

export interface LogEntry {
  readonly id: string;
  readonly jobId: string;
  readonly activityDateTime: string;
  readonly status: "success" | "failure" | "skipped" | "warning";
  readonly sourceId: string;
  readonly body: Record<string, unknown>;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

export interface LogInput {
  readonly userId: string;
  readonly userPrincipalName?: string | undefined;
  readonly status?: LogEntry["status"] | undefined;
  readonly action?: "Create" | "Update" | "Delete" | "Disable" | "Other" | undefined;
  readonly errorCode?: string | undefined;
  readonly reason?: string | undefined;
  readonly activityDateTime?: string | undefined;
  readonly jobId?: string | undefined;
}

export interface SynchronizationStore {
  readonly jobs: Map<string, JobRecord>;
  secrets: { key: string; value: string }[];
  readonly logs: LogEntry[];
  /** every mutating synchronization request, in order (restart bodies, secrets PUTs…) */
  readonly requests: RecordedRequest[];
  /** permissions the app registration "lacks": its requests answer 403 */
  readonly denied: Set<string>;
  /** provisionOnDemand call times per job (epoch ms), for the 5 per 10 s limit */
  readonly onDemandCalls: Map<string, number[]>;
  addJob(id?: string): JobRecord;
  removeJob(id: string): boolean;
  start(job: JobRecord): void;
  pause(job: JobRecord): void;
  restart(job: JobRecord, resetScope: string | null): void;
  /** runs one simulated cycle (initial, then incremental/steady state) */
  runCycle(job: JobRecord): void;
  quarantine(job: JobRecord, reason: string, pendingDeletes?: number): void;
  addLog(input: LogInput): LogEntry;
  syncAll(): boolean;
  threshold(): { enabled: boolean; value: number };
}

function execution(id: string, began: Date, ended: Date, counts: Partial<Execution>): Execution {
  return {
    activityIdentifier: id,
    countEntitled: 0,
    countEntitledForProvisioning: 0,
    countEscrowed: 0,
    countEscrowedRaw: 0,
    countExported: 0,
    countExports: 0,
    countImported: 0,
    countImportedDeltas: 0,
    countImportedReferenceDeltas: 0,
    error: null,
    state: "Succeeded",
    ...counts,
    timeBegan: began.toISOString(),
    timeEnded: ended.toISOString(),
  };
}

const HOUR = 3_600_000;

export function createSynchronizationStore(
  graph: GraphStore,
  ids: Prng,
  now: () => Date,
  servicePrincipal: { id: string; tenantId: string },
): SynchronizationStore {
  const jobs = new Map<string, JobRecord>();
  const logs: LogEntry[] = [];
  let logSeq = 0;

  const store: SynchronizationStore = {
    jobs,
    secrets: [
      { key: "BaseAddress", value: "https://federation.apple.com/feeds/business/scim" },
      { key: "SecretToken", value: `emu-abm-${ids.uuid()}` },
      {
        key: "SyncNotificationSettings",
        value: JSON.stringify({
          Enabled: true,
          Recipients: "it@contoso.com",
          DeleteThresholdEnabled: true,
          DeleteThresholdValue: 500,
        }),
      },
      { key: "SyncAll", value: "false" },
    ],
    logs,
    requests: [],
    denied: new Set(),
    onDemandCalls: new Map(),

    addJob(id) {
      const job: JobRecord = {
        id: id ?? `appleBusinessManager.${ids.uuid().replaceAll("-", "")}.${servicePrincipal.tenantId}`,
        code: "NotRun",
        initialDone: false,
        countSuccessiveCompleteFailures: 0,
        lastExecution: null,
        lastSuccessfulExecution: null,
        lastSuccessfulExecutionWithExports: null,
        quarantine: null,
        pendingDeletes: 0,
        steadyStateFirstAchievedTime: NEVER,
        steadyStateLastAchievedTime: NEVER,
        provisioned: new Map(),
      };
      jobs.set(job.id, job);
      return job;
    },

    removeJob: (id) => jobs.delete(id),

    start(job) {
      if (job.code === "Quarantine" && job.quarantine?.reason === "TooManyDeletes") {
        // the held deletions are still over the threshold: Entra quarantines again
        job.quarantine = { ...job.quarantine, currentBegan: job.quarantine.currentBegan };
        return;
      }
      job.quarantine = null;
      job.code = job.initialDone ? "Active" : "NotRun";
      store.runCycle(job);
    },

    pause(job) {
      job.code = "Paused";
    },

    restart(job, resetScope) {
      if (resetScope === "ForceDeletes") {
        if (job.quarantine?.reason === "TooManyDeletes") {
          const at = now();
          const run = execution(ids.uuid(), at, at, {
            countExported: job.pendingDeletes,
            countExports: job.pendingDeletes,
          });
          job.lastExecution = run;
          job.lastSuccessfulExecution = run;
          job.lastSuccessfulExecutionWithExports = run;
          job.pendingDeletes = 0;
          job.quarantine = null;
          job.code = "Active";
          job.steadyStateLastAchievedTime = at.toISOString();
        }
        return;
      }
      // a full restart forgets the job's state (watermark, escrows, quarantine) and starts again
      job.quarantine = null;
      job.pendingDeletes = 0;
      job.initialDone = false;
      job.countSuccessiveCompleteFailures = 0;
      job.steadyStateLastAchievedTime = NEVER;
      job.code = "NotRun";
      store.runCycle(job);
    },

    runCycle(job) {
      if (job.code === "Paused" || job.code === "Quarantine" || job.code === "NotConfigured") return;
      const began = now();
      const inScope = [...graph.users.values()].filter((record) => {
        if (record.state !== "active") return false;
        if (store.syncAll()) return true;
        if (graph.assignments.has(record.user.id)) return true;
        return [...graph.assignments.values()].some(
          (a) => a.principalType === "Group" && graph.groups.get(a.principalId)?.members.has(record.user.id),
        );
      });
      let escrowed = 0;
      for (const record of inScope) {
        if (record.user.givenName === null || record.user.givenName === undefined) escrowed += 1;
        else if (!job.provisioned.has(record.user.id)) job.provisioned.set(record.user.id, ids.uuid());
      }
      const initial = !job.initialDone;
      const run = execution(ids.uuid(), began, new Date(began.getTime() + (initial ? HOUR : 60_000)), {
        countEntitled: inScope.length,
        countEntitledForProvisioning: inScope.length,
        countEscrowed: escrowed,
        countEscrowedRaw: escrowed,
        countImported: inScope.length,
        countImportedDeltas: initial ? inScope.length : 0,
        countExported: inScope.length - escrowed,
        countExports: inScope.length,
        state: escrowed > 0 ? "EntryLevelErrors" : "Succeeded",
      });
      job.lastExecution = run;
      if (escrowed === 0) job.lastSuccessfulExecution = run;
      if (run.countExported > 0) job.lastSuccessfulExecutionWithExports = run;
      job.initialDone = true;
      job.code = "Active";
      job.countSuccessiveCompleteFailures = 0;
      if (job.steadyStateFirstAchievedTime === NEVER) job.steadyStateFirstAchievedTime = run.timeEnded;
      job.steadyStateLastAchievedTime = run.timeEnded;
    },

    quarantine(job, reason, pendingDeletes = 0) {
      const at = now();
      const series = job.quarantine;
      const seriesCount = (series?.seriesCount ?? 0) + 1;
      job.quarantine = {
        currentBegan: at.toISOString(),
        nextAttempt: new Date(at.getTime() + 4 * 40 * 60_000 * 2 ** (seriesCount - 1)).toISOString(),
        reason,
        seriesBegan: series?.seriesBegan ?? at.toISOString(),
        seriesCount,
      };
      job.code = "Quarantine";
      job.pendingDeletes = pendingDeletes;
      const credential = reason !== "TooManyDeletes";
      if (credential) job.countSuccessiveCompleteFailures += 1;
      const { value } = store.threshold();
      job.lastExecution = execution(ids.uuid(), at, at, {
        state: "Failed",
        error: credential
          ? {
              code: "SystemForCrossDomainIdentityManagementCredentialValidationUnavailable",
              message:
                "Error validating credentials. The SCIM endpoint answered 401 Unauthorized: the secret token is invalid or expired.",
              tenantActionable: true,
            }
          : {
              code: "TooManyDeletes",
              message: `The job would delete or disable ${pendingDeletes} users in this cycle, more than the accidental deletions threshold of ${value}.`,
              tenantActionable: true,
            },
      });
    },

    addLog(input) {
      logSeq += 1;
      const status = input.status ?? "failure";
      const jobId = input.jobId ?? [...jobs.keys()][0] ?? "";
      const activityDateTime = input.activityDateTime ?? new Date(now().getTime() + logSeq).toISOString();
      const id = `${ids.uuid()}`;
      const upn = input.userPrincipalName ?? (graph.users.get(input.userId)?.user.userPrincipalName as string) ?? null;
      const failed = status === "failure";
      const action = input.action ?? "Create";
      const body: Record<string, unknown> = {
        id,
        activityDateTime,
        tenantId: servicePrincipal.tenantId,
        jobId,
        cycleId: ids.uuid(),
        changeId: ids.uuid(),
        action,
        provisioningAction: action.toLowerCase(),
        durationInMilliseconds: 120 + (logSeq % 50),
        initiatedBy: { id: "", displayName: "Azure AD Provisioning Service", initiatorType: "system" },
        servicePrincipal: { id: servicePrincipal.id, displayName: "Apple Business Manager" },
        sourceSystem: { id: null, displayName: "Azure Active Directory", details: {} },
        targetSystem: { id: null, displayName: "Apple Business Manager", details: {} },
        sourceIdentity: {
          id: input.userId,
          displayName: upn,
          identityType: "User",
          details: { UserPrincipalName: upn },
        },
        targetIdentity: { id: "", displayName: upn, identityType: SCIM_USER, details: {} },
        provisioningStatusInfo: {
          status,
          errorInformation: failed
            ? {
                errorCode: input.errorCode ?? "SystemForCrossDomainIdentityManagementBadRequest",
                reason: input.reason ?? "The SCIM endpoint rejected the request.",
                additionalDetails: null,
                errorCategory: "NonServiceFailure",
                recommendedAction: null,
              }
            : null,
        },
        provisioningSteps: [
          {
            name: "EntryImportAdd",
            provisioningStepType: "import",
            status: "success",
            description: `Received User '${upn}' change of type (Add) from Azure Active Directory`,
            details: {},
          },
          {
            name: "EntryExportAdd",
            provisioningStepType: "export",
            status,
            description: failed
              ? (input.reason ?? "Export failed")
              : `User '${upn}' was created in Apple Business Manager`,
            details: {},
          },
        ],
        modifiedProperties: [],
      };
      const entry: LogEntry = { id, jobId, activityDateTime, status, sourceId: input.userId, body };
      logs.push(entry);
      return entry;
    },

    syncAll: () => store.secrets.find((s) => s.key === "SyncAll")?.value.toLowerCase() === "true",

    threshold() {
      const raw = store.secrets.find((s) => s.key === "SyncNotificationSettings")?.value ?? "{}";
      try {
        const parsed = JSON.parse(raw) as { DeleteThresholdEnabled?: unknown; DeleteThresholdValue?: unknown };
        return {
          enabled: parsed.DeleteThresholdEnabled !== false,
          value: typeof parsed.DeleteThresholdValue === "number" ? parsed.DeleteThresholdValue : 500,
        };
      } catch {
        return { enabled: true, value: 500 };
      }
    },
  };
  store.addJob();
  return store;
}

/** The job as Graph returns it (`synchronizationJob`). */
export function jobJson(job: JobRecord): Record<string, unknown> {
  const never = (e: Execution | null): Execution => e ?? execution("", new Date(NEVER), new Date(NEVER), {});
  return {
    id: job.id,
    templateId: "appleBusinessManager",
    schedule: { expiration: null, interval: "PT40M", state: job.code === "Paused" ? "Disabled" : "Active" },
    status: {
      code: job.code,
      countSuccessiveCompleteFailures: job.countSuccessiveCompleteFailures,
      escrowsPruned: false,
      lastExecution: job.lastExecution,
      lastSuccessfulExecution: never(job.lastSuccessfulExecution),
      lastSuccessfulExecutionWithExports: never(job.lastSuccessfulExecutionWithExports),
      progress: job.initialDone
        ? []
        : [
            {
              completionPercentage: 0,
              countOfCompletedSteps: 0,
              countOfTotalSteps: 4,
              progressObservationDateTime: new Date().toISOString(),
            },
          ],
      quarantine: job.quarantine,
      steadyStateFirstAchievedTime: job.steadyStateFirstAchievedTime,
      steadyStateLastAchievedTime: job.steadyStateLastAchievedTime,
      synchronizedEntryCountByType: [{ key: "User", value: job.provisioned.size }],
      troubleshootingUrl: null,
    },
    synchronizationJobSettings: [{ name: "QuarantineTooManyDeletesThreshold", value: "500" }],
  };
}
