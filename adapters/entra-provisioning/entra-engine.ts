import type { GraphRequester } from "#adapters/graph/index.js";
import type { ApprovalStore } from "#core/approvals/approval-store.js";
import type { Clock } from "#core/clock.js";
import type { EngineEventSink } from "#core/engine/context.js";
import { AppError } from "#core/errors.js";
import type { IdGenerator } from "#core/ids.js";
import type { Logger } from "#core/logger.js";
import type { NamedValueStore } from "#core/ports/named-values.js";
import type { FailureEntry, ProvisioningEngine } from "#core/ports/provisioning-engine.js";
import { err, ok, type Result } from "#core/result.js";
import type { AttributeMap } from "#core/sync/attribute-map.js";
import { createCycleControl } from "./cycle-control.js";
import { createDeletionDecisions } from "./deletion-decisions.js";
import { createEnginePoller, type PollReport } from "./engine-poller.js";
import { createFailureReader, guard, restartJob, startedRun } from "./engine-support.js";
import { createOnDemandProvisioner } from "./on-demand-provisioner.js";
import { notificationSettings, withNotificationSettings, withSecret } from "./secrets.js";
import { createSettingsWriter } from "./settings-writer.js";
import { createStatusReader } from "./status-reader.js";
import { createSyncApi } from "./sync-api.js";
import { checkUser, explainUser, previewScope } from "./user-checks.js";

export type { PollReport } from "./engine-poller.js";

export interface EntraEngineDeps {
  /** the process's one Graph requester (adapters/graph connectGraph): its credential, retry policy and errors */
  readonly graph: GraphRequester;
  /** ABM_SERVICE_PRINCIPAL_ID: object id of the "Apple Business Manager" enterprise app */
  readonly servicePrincipalId: string;
  readonly store: NamedValueStore;
  /** the one approval store: a TooManyDeletes quarantine is held there */
  readonly approvals: ApprovalStore;
  /** ABM_APPROVALS_REQUIRED */
  readonly requiredApprovals: number;
  readonly verifiedDomains: readonly string[] | null;
  readonly attributeMap: AttributeMap;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly events: EngineEventSink;
  /** turn Entra's notification e-mail off at the next poll (set once channel alerts are routed) */
  readonly disableEmailNotifications?: boolean;
  /** how long an approval stays open */
  readonly approvalTtlMs: number;
  /** how often `dueAt()` asks for a poll (status, quarantine, failures); default 5 min */
  readonly pollIntervalMs?: number;
  /** how far back `failures()` looks for users whose latest entry failed; default 24 h */
  readonly failureWindowMs?: number;
  /** provisioning-log page size ($top); default 500 */
  readonly logPageSize?: number;
  /** first poll without a cursor starts this far back; default 1 h */
  readonly initialLookbackMs?: number;
}

export interface EntraProvisioningEngine extends ProvisioningEngine {
  /** when the scheduler should call `poll()` next */
  dueAt(): Promise<Date | null>;
  /** status transitions → events (quarantine, deletions held, run finished), e-mail off, then `pollFailures()` */
  poll(): Promise<Result<PollReport, AppError>>;
  /** provisioning-log failures since the persisted cursor (each alerted once, none missed across restarts) */
  pollFailures(): Promise<Result<readonly FailureEntry[], AppError>>;
  deletionThreshold(): Promise<Result<{ enabled: boolean; value: number }, AppError>>;
  setDeletionThreshold(change: { enabled?: boolean; value?: number }): Promise<Result<void, AppError>>;
  setEmailNotifications(enabled: boolean): Promise<Result<void, AppError>>;
}

/**
 * The `entra` engine: drives Entra's own ABM provisioning job through Microsoft Graph (docs/architecture.md, "Engines").
 * This file wires the parts; each part lives in its own file (status, cycles, decisions, settings,
 * on-demand, poll) and every method is guarded into a Result.
 */
export function createEntraProvisioningEngine(deps: EntraEngineDeps): EntraProvisioningEngine {
  const { store, clock } = deps;
  const api = createSyncApi(
    deps.graph,
    deps.servicePrincipalId,
    deps.logger.child({ adapter: "entra-provisioning" }),
    deps.logPageSize,
  );
  const failuresOf = createFailureReader({ api, clock, windowMs: deps.failureWindowMs ?? 24 * 3_600_000 });
  const decisions = createDeletionDecisions({
    api,
    approvals: deps.approvals,
    requiredApprovals: deps.requiredApprovals,
    clock,
    events: deps.events,
    approvalTtlMs: deps.approvalTtlMs,
  });
  const status = createStatusReader({ api, failuresOf, decisions });
  const cycles = createCycleControl({ api, ids: deps.ids, clock });
  const writeSecrets = createSettingsWriter(api);
  const provisionUser = createOnDemandProvisioner({ api, clock, logger: deps.logger });
  const setEmailNotifications = (enabled: boolean): Promise<Result<void, AppError>> =>
    guard(() => writeSecrets((secrets) => withNotificationSettings(secrets, { emailEnabled: enabled })));
  const poller = createEnginePoller({
    api,
    store,
    clock,
    logger: deps.logger,
    events: deps.events,
    decisions,
    failuresOf,
    setEmailNotifications,
    disableEmailNotifications: deps.disableEmailNotifications === true,
    pollMs: deps.pollIntervalMs ?? 5 * 60_000,
    initialLookbackMs: deps.initialLookbackMs ?? 3_600_000,
  });

  return {
    kind: "entra",
    status: () => guard(status),
    runCycle: (request) => guard(() => cycles.runCycle(request)),
    restart: (actor, trigger) => guard(() => cycles.restart(actor, trigger)),
    pause: () => guard(cycles.pause),
    resume: () => guard(cycles.resume),
    previewScope: (scope) => guard(() => previewScope(api, scope)),

    setScope: (scope, actor) =>
      guard(async () => {
        const written = await writeSecrets((secrets) =>
          withSecret(secrets, "SyncAll", scope === "all" ? "true" : "false"),
        );
        if (!written.ok) return written;
        // Entra applies a scope change only after a restart
        const job = await restartJob(api, null);
        return job.ok
          ? ok(startedRun({ ids: deps.ids, clock }, "restart", actor.platform === "cli" ? "cli" : "chat", actor))
          : job;
      }),

    checkUser: (query) =>
      guard(async () => {
        const job = await api.findJob();
        if (!job.ok) return job;
        return checkUser({ api, map: deps.attributeMap, verifiedDomains: deps.verifiedDomains }, job.value.id, query);
      }),

    explainUser: (query) =>
      guard(async () => {
        const job = await api.findJob();
        if (!job.ok) return job;
        return explainUser({ api, map: deps.attributeMap, verifiedDomains: deps.verifiedDomains }, job.value.id, query);
      }),

    orphans: async () =>
      err(
        new AppError(
          "engine.unsupported",
          "`orphans` lists ABM's users, and with ABM_ENGINE=entra this service does not read ABM (Entra's provisioning job is the SCIM client). Run it with the native engine, or compare ABM's user list with the app's assignments in Entra.",
        ),
      ),

    provisionUser: (query, actor) => guard(() => provisionUser(query, actor)),

    refreshApprovals: () =>
      guard(async () => {
        const job = await api.findJob();
        if (!job.ok) return job;
        const secrets = await api.secrets();
        if (!secrets.ok) return secrets;
        await decisions.observe(job.value, secrets.value);
        return ok(undefined);
      }),

    applyApproval: (approval) => guard(() => decisions.apply(approval)),
    rejectApproval: (approval) => guard(async () => decisions.reject(approval)),

    failures: () =>
      guard(async () => {
        const job = await api.findJob();
        return job.ok ? failuresOf(job.value.id) : job;
      }),

    history: (limit) => guard(() => cycles.history(limit)),
    dueAt: poller.dueAt,
    pollFailures: () => guard(poller.pollFailures),
    poll: () => guard(poller.poll),

    deletionThreshold: () =>
      guard(async () => {
        const secrets = await api.secrets();
        if (!secrets.ok) return secrets;
        const s = notificationSettings(secrets.value);
        return ok({ enabled: s.deleteThresholdEnabled, value: s.deleteThresholdValue });
      }),

    setDeletionThreshold: (change) =>
      guard(() =>
        writeSecrets((secrets) =>
          withNotificationSettings(secrets, {
            ...(change.enabled === undefined ? {} : { deleteThresholdEnabled: change.enabled }),
            ...(change.value === undefined ? {} : { deleteThresholdValue: change.value }),
          }),
        ),
      ),

    setEmailNotifications,
  };
}
