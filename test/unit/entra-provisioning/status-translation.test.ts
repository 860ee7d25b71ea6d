import { describe, expect, it } from "vitest";
import { historyOf } from "#adapters/entra-provisioning/cycle-control.js";
import { graphTime, runFromExecution, translateStatus } from "#adapters/entra-provisioning/job-status.js";
import { type Job, JobSchema, type Secret } from "#adapters/entra-provisioning/schemas.js";
import { statusExtras, statusScope } from "#adapters/entra-provisioning/status-reader.js";
import { pendingApproval, quarantineBatch } from "#test/support/approvals.js";

const NEVER = "0001-01-01T00:00:00Z";
const NEVER_RUN = {
  activityIdentifier: null,
  countEntitled: 0,
  countEscrowed: 0,
  countExported: 0,
  countExports: 0,
  countImported: 0,
  countImportedDeltas: 0,
  error: null,
  state: null,
  timeBegan: NEVER,
  timeEnded: NEVER,
};

/** a job as Graph sends it, parsed by the same schema the engine uses */
function job(status: Record<string, unknown>, interval = "PT40M"): Job {
  return JobSchema.parse({
    id: "AppleBusinessManager.f2b6a3c1",
    templateId: "AppleBusinessManager",
    schedule: { interval, state: "Active" },
    status: {
      code: "Active",
      countSuccessiveCompleteFailures: 0,
      escrowsPruned: false,
      lastExecution: NEVER_RUN,
      lastSuccessfulExecution: NEVER_RUN,
      lastSuccessfulExecutionWithExports: NEVER_RUN,
      progress: [],
      quarantine: null,
      steadyStateLastAchievedTime: NEVER,
      synchronizedEntryCountByType: [],
      troubleshootingUrl: null,
      ...status,
    },
  });
}

const execution = (over: Record<string, unknown>) => ({
  ...NEVER_RUN,
  activityIdentifier: "2d9c4b1e-7f55-4f0e-9d0c-1a2b3c4d5e6f",
  timeBegan: "2026-03-01T09:00:00Z",
  timeEnded: "2026-03-01T09:05:00Z",
  state: "Succeeded",
  countExported: 12,
  countEscrowed: 0,
  ...over,
});

const held = pendingApproval(
  quarantineBatch(612, {
    jobId: "AppleBusinessManager.f2b6a3c1",
    episodeBegan: "2026-03-01T09:00:00Z",
    reason: "held",
  }),
  {
    id: "apr_entra_0123456789abcdef0123",
    requestedAt: new Date("2026-03-01T09:10:00Z"),
    expiresAt: new Date("2026-03-02T09:10:00Z"),
  },
);

const extras = (over: Partial<Parameters<typeof statusExtras>[1]> = {}, secrets: Secret[] = []) =>
  statusExtras(secrets, { failingUsers: 0, pending: null, rejected: false, ...over });

const notes = (j: Job, e = extras()) => translateStatus(j, e).notes.join(" ");

describe("Entra synchronizationStatus → EngineStatus", () => {
  it("reads 0001-01-01 as never and rejects unreadable times", () => {
    expect(graphTime(NEVER)).toBeNull();
    expect(graphTime("0001-01-01T00:00:00.0000000Z")).toBeNull();
    expect(graphTime(null)).toBeNull();
    expect(graphTime("not a time")).toBeNull();
    expect(graphTime("2026-03-01T09:00:00Z")?.toISOString()).toBe("2026-03-01T09:00:00.000Z");
    expect(runFromExecution(NEVER_RUN)).toBeNull();
  });

  it("NotConfigured: not configured, no run, nothing scheduled", () => {
    const status = translateStatus(job({ code: "NotConfigured" }), extras());
    expect(status).toMatchObject({
      engine: "entra",
      state: "not_configured",
      paused: false,
      quarantine: null,
      lastRun: null,
      lastSuccessfulRun: null,
      nextRunAt: null,
      tokenExpiresAt: null,
    });
  });

  it("NotRun with sentinel executions: idle, never ran, steady state never reached", () => {
    const j = job({ code: "NotRun" });
    const status = translateStatus(j, extras());
    expect(status.state).toBe("idle");
    expect(status.lastRun).toBeNull();
    expect(status.lastSuccessfulRun).toBeNull();
    expect(status.nextRunAt).toBeNull();
    expect(notes(j)).toContain("The initial cycle has not completed yet (steady state never reached).");
    expect(notes(j)).toContain("status NotRun");
  });

  it("NotRun with progress: the initial cycle is running and its percentage is shown", () => {
    const j = job({
      code: "NotRun",
      progress: [{ completionPercentage: 41.6, countOfCompletedSteps: 2, countOfTotalSteps: 5 }],
    });
    expect(translateStatus(j, extras()).state).toBe("running");
    expect(notes(j)).toContain("Initial cycle progress: 42%.");
  });

  it("Active after a clean cycle: idle, last run succeeded, next run one interval later, linked users", () => {
    const ran = execution({});
    const j = job(
      {
        code: "Active",
        lastExecution: ran,
        lastSuccessfulExecution: ran,
        steadyStateLastAchievedTime: "2026-03-01T09:05:00Z",
        synchronizedEntryCountByType: [
          { key: "User", value: 1_234 },
          { key: "Group", value: 3 },
        ],
      },
      "PT1H",
    );
    const status = translateStatus(j, extras({ failingUsers: 2 }));
    expect(status.state).toBe("idle");
    expect(status.lastRun).toMatchObject({
      id: "entra_2d9c4b1e-7f55-4f0e-9d0c-1a2b3c4d5e6f",
      outcome: "succeeded",
      actor: "entra",
      startedAt: new Date("2026-03-01T09:00:00Z"),
      finishedAt: new Date("2026-03-01T09:05:00Z"),
      error: null,
    });
    expect(status.lastSuccessfulRun?.id).toBe(status.lastRun?.id);
    expect(status.nextRunAt).toEqual(new Date("2026-03-01T10:00:00Z"));
    expect(status.linkedUsers).toBe(1_234);
    expect(status.failingUsers).toBe(2);
    expect(notes(j)).toContain("Steady state last reached 2026-03-01 09:05 UTC.");
  });

  it("EntryLevelErrors is a partial run: exports count as updated, escrows as failed", () => {
    const run = runFromExecution(execution({ state: "EntryLevelErrors", countExported: 40, countEscrowed: 3 }));
    expect(run?.outcome).toBe("partial");
    expect(run?.counts).toMatchObject({ updated: 40, failed: 3, created: 0, deleted: 0 });
  });

  it("a failed execution carries Entra's error; an unfinished one is running", () => {
    const failed = runFromExecution(
      execution({ state: "Failed", error: { code: "SynchronizationJobFailed", message: "ABM answered 401" } }),
    );
    expect(failed).toMatchObject({
      outcome: "failed",
      error: { code: "entra.SynchronizationJobFailed", message: "ABM answered 401" },
    });
    const running = runFromExecution(execution({ state: null, timeEnded: NEVER, activityIdentifier: null }));
    expect(running?.outcome).toBe("running");
    expect(running?.finishedAt).toBeNull();
    expect(running?.id).toMatch(/^entra_[0-9a-z]+$/);
  });

  it("Paused: paused, nothing scheduled", () => {
    const status = translateStatus(job({ code: "Paused", lastExecution: execution({}) }), extras());
    expect(status.state).toBe("paused");
    expect(status.paused).toBe(true);
    expect(status.nextRunAt).toBeNull();
  });

  const quarantined = (reason: string, over: Record<string, unknown> = {}) =>
    job({
      code: "Quarantine",
      lastExecution: execution({ state: "Failed" }),
      quarantine: {
        currentBegan: "2026-03-01T09:06:00Z",
        nextAttempt: "2026-03-01T21:06:00Z",
        reason,
        seriesBegan: "2026-03-01T09:06:00Z",
        seriesCount: 2,
      },
      ...over,
    });

  it("Quarantine TooManyDeletes: awaiting approval with the threshold in words; rejected once rejected", () => {
    const j = quarantined("TooManyDeletes");
    const status = translateStatus(j, extras({ pending: held }));
    expect(status.state).toBe("awaiting_approval");
    expect(status.pendingApproval).toBe(held);
    expect(status.quarantine).toEqual({
      reason: "more users would be deleted or disabled than the accidental-deletions threshold allows",
      since: new Date("2026-03-01T09:06:00Z"),
      nextAttemptAt: new Date("2026-03-01T21:06:00Z"),
    });
    expect(status.nextRunAt).toEqual(new Date("2026-03-01T21:06:00Z"));
    expect(notes(j)).toContain("Quarantine series: 2 attempts, Entra reason TooManyDeletes.");
    const rejected = translateStatus(j, extras({ rejected: true }));
    expect(rejected.state).toBe("deletions_rejected");
    expect(rejected.notes.join(" ")).toContain("The held deletions were rejected");
  });

  it("Quarantine on a credential failure: quarantined, and the fix names the ABM token", () => {
    const status = translateStatus(quarantined("EncounteredQuarantineException"), extras());
    expect(status.state).toBe("quarantined");
    expect(status.quarantine?.reason).toContain("SCIM token expired or was revoked");
    expect(status.quarantine?.reason).toContain("Admin credentials");
  });

  it("Quarantine for escrow thresholds and unknown reasons; a never begin time reads as epoch", () => {
    expect(translateStatus(quarantined("EncounteredTotalEscrowThreshold"), extras()).quarantine?.reason).toContain(
      "run `errors`",
    );
    const unknown = quarantined("SomethingNew", {
      quarantine: { currentBegan: NEVER, nextAttempt: NEVER, reason: "SomethingNew", seriesCount: 1 },
    });
    const status = translateStatus(unknown, extras());
    expect(status.quarantine).toEqual({
      reason: "Entra reports quarantine reason SomethingNew",
      since: new Date(0),
      nextAttemptAt: null,
    });
    expect(status.nextRunAt).toBeNull();
  });

  it("notes successive complete failures, the threshold and Entra's e-mail", () => {
    const j = job({ code: "Active", countSuccessiveCompleteFailures: 3 });
    expect(notes(j)).toContain("3 cycles in a row failed completely.");
    const settings = (value: object): Secret[] => [{ key: "SyncNotificationSettings", value: JSON.stringify(value) }];
    expect(notes(j, extras({}, settings({ Enabled: true, DeleteThresholdValue: 250 })))).toContain(
      "Accidental-deletions threshold: 250 per cycle. Entra also e-mails its failure notifications.",
    );
    expect(notes(j, extras({}, settings({ DeleteThresholdEnabled: false })))).toContain(
      "Entra's accidental-deletions prevention is off. Entra's notification e-mail is off",
    );
  });

  it("history keeps the distinct executions Graph holds, newest first", () => {
    const older = execution({ activityIdentifier: "older", timeBegan: "2026-03-01T08:00:00Z" });
    const newer = execution({ activityIdentifier: "newer", state: "EntryLevelErrors" });
    const j = job({ lastExecution: newer, lastSuccessfulExecution: older, lastSuccessfulExecutionWithExports: older });
    expect(historyOf(j, 10).map((r) => r.id)).toEqual(["entra_newer", "entra_older"]);
    expect(historyOf(j, 1)).toHaveLength(1);
    expect(historyOf(job({}), 10)).toEqual([]);
  });
});

describe("status extras from the job's secrets", () => {
  it("scope: SyncAll true in any case is all users, anything else assigned", () => {
    expect(statusScope([{ key: "SyncAll", value: "True" }])).toBe("all");
    expect(statusScope([{ key: "SyncAll", value: "false" }])).toBe("assigned");
    expect(statusScope([])).toBe("assigned");
  });

  it("threshold and e-mail from SyncNotificationSettings, with Entra's defaults", () => {
    expect(extras()).toMatchObject({ threshold: { enabled: true, value: 500 }, emailNotifications: false });
    const secrets: Secret[] = [
      { key: "SyncAll", value: "true" },
      {
        key: "SyncNotificationSettings",
        value:
          '{"Enabled":true,"Recipients":"it@example.com","DeleteThresholdEnabled":false,"DeleteThresholdValue":"250"}',
      },
    ];
    expect(extras({ failingUsers: 4 }, secrets)).toEqual({
      scope: "all",
      failingUsers: 4,
      pending: null,
      rejected: false,
      threshold: { enabled: false, value: 250 },
      emailNotifications: true,
    });
  });
});
