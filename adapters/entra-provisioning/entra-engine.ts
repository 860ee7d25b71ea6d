import type { Clock } from "#core/clock.js";
import type { EngineEventSink } from "#core/engine/context.js";
import { AppError, toAppError } from "#core/errors.js";
import type { IdGenerator } from "#core/ids.js";
import type { Logger } from "#core/logger.js";
import type {
  Actor,
  CycleKind,
  DecisionOutcome,
  FailureEntry,
  PendingDeletions,
  ProvisioningEngine,
  RunSummary,
  Trigger,
} from "#core/ports/provisioning-engine.js";
import { err, ok, type Result } from "#core/result.js";
import type { AttributeMap } from "#core/sync/attribute-map.js";
import {
  approvalIdFor,
  describeHeld,
  type EntraEngineStore,
  heldEpisode,
  loadEpisode,
  saveEpisode,
} from "./deletion-approval.js";
import { currentFailures, failuresSince, readCursor } from "./failure-log.js";
import { createEntraGraphClient, type EntraGraphSettings } from "./graph-client.js";
import { runFromExecution, translateStatus } from "./job-status.js";
import { parseOnDemand } from "./on-demand.js";
import { createOnDemandLimiter } from "./on-demand-limiter.js";
import type { Job, Secret } from "./schemas.js";
import { looksMasked, notificationSettings, SECRET_TOKEN, withNotificationSettings, withSecret } from "./secrets.js";
import { createSyncApi } from "./sync-api.js";
import { createSyncRequester } from "./sync-requester.js";
import { checkUser, previewScope } from "./user-checks.js";

export interface EntraEngineDeps {
  readonly graph: EntraGraphSettings;
  /** ABM_SERVICE_PRINCIPAL_ID: object id of the "Apple Business Manager" enterprise app */
  readonly servicePrincipalId: string;
  readonly store: EntraEngineStore;
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

export interface PollReport {
  /** failures not alerted before (persisted cursor) */
  readonly newFailures: readonly FailureEntry[];
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
  close(): Promise<void>;
}

const KEYS = {
  cursor: "entra:failure-cursor",
  lastPoll: "entra:last-poll",
  quarantine: "entra:seen-quarantine",
  execution: "entra:seen-execution",
} as const;
const OVERLAP_MS = 10 * 60_000;
const LOG_LIMIT = 5_000;

/** The `entra` engine: drives Entra's own ABM provisioning job through Microsoft Graph (DESIGN.md §2). */
export function createEntraProvisioningEngine(deps: EntraEngineDeps): EntraProvisioningEngine {
  const { store, clock } = deps;
  const handle = createEntraGraphClient(deps.graph);
  const http = createSyncRequester({
    client: handle.client,
    clock,
    logger: deps.logger.child({ adapter: "entra-provisioning" }),
    scope: { ...deps.graph, servicePrincipalId: deps.servicePrincipalId },
  });
  const api = createSyncApi(http, deps.servicePrincipalId, deps.logPageSize);
  const limiter = createOnDemandLimiter(clock);
  const pollMs = deps.pollIntervalMs ?? 5 * 60_000;
  const windowMs = deps.failureWindowMs ?? 24 * 3_600_000;

  const guard = async <T>(fn: () => Promise<Result<T, AppError>>): Promise<Result<T, AppError>> => {
    try {
      return await fn();
    } catch (error) {
      return err(toAppError(error, "engine.failed"));
    }
  };

  const started = (kind: CycleKind, trigger: Trigger, actor: Actor): RunSummary => ({
    id: deps.ids.next("run"),
    kind,
    trigger,
    actor: actor.id,
    startedAt: clock.now(),
    finishedAt: null,
    outcome: "running",
    counts: { created: 0, adopted: 0, updated: 0, deactivated: 0, deleted: 0, skipped: 0, failed: 0, held: 0 },
    error: null,
  });

  async function failuresOf(jobId: string): Promise<Result<FailureEntry[], AppError>> {
    const from = new Date(clock.now().getTime() - windowMs);
    const logs = await api.logs(jobId, [api.clause("activityDateTime", "ge", from)], LOG_LIMIT);
    return logs.ok ? ok(currentFailures(logs.value)) : logs;
  }

  async function pending(job: Job, secrets: readonly Secret[]): Promise<PendingDeletions | null> {
    const episode = heldEpisode(job);
    if (episode === null) return null;
    const approvalId = approvalIdFor(episode);
    let stored = await loadEpisode(store, approvalId);
    if (stored === null) {
      stored = { ...episode, requestedAt: clock.now().toISOString(), status: "pending" };
      await saveEpisode(store, approvalId, stored);
    }
    if (stored.status !== "pending") return null;
    const threshold = notificationSettings(secrets).deleteThresholdValue;
    return describeHeld(job, approvalId, stored, threshold, deps.approvalTtlMs);
  }

  async function writeSecrets(change: (secrets: Secret[]) => Secret[]): Promise<Result<void, AppError>> {
    const secrets = await api.secrets();
    if (!secrets.ok) return secrets;
    const token = secrets.value.find((s) => s.key === SECRET_TOKEN);
    if (token !== undefined && looksMasked(token.value)) {
      return err(
        new AppError(
          "entra.secrets_masked",
          "Graph returned the job's secret token masked, so the settings cannot be rewritten without losing it. Change this setting in Entra → Apple Business Manager → Provisioning instead.",
        ),
      );
    }
    return api.putSecrets(change(secrets.value));
  }

  async function restartJob(resetScope: "ForceDeletes" | null): Promise<Result<Job, AppError>> {
    const job = await api.findJob();
    if (!job.ok) return job;
    const done = await api.restart(job.value.id, resetScope);
    return done.ok ? job : done;
  }

  const engine: EntraProvisioningEngine = {
    kind: "entra",

    status: () =>
      guard(async () => {
        const job = await api.findJob();
        if (!job.ok) return job;
        const secrets = await api.secrets();
        if (!secrets.ok) return secrets;
        const failures = await failuresOf(job.value.id);
        if (!failures.ok) return failures;
        const held = await pending(job.value, secrets.value);
        const episode = heldEpisode(job.value);
        const stored = episode === null ? null : await loadEpisode(store, approvalIdFor(episode));
        const settings = notificationSettings(secrets.value);
        return ok(
          translateStatus(job.value, {
            scope: secrets.value.some((s) => s.key === "SyncAll" && s.value.toLowerCase() === "true")
              ? "all"
              : "assigned",
            failingUsers: failures.value.length,
            pending: held,
            rejected: stored?.status === "rejected",
            threshold: { enabled: settings.deleteThresholdEnabled, value: settings.deleteThresholdValue },
            emailNotifications: settings.emailEnabled,
          }),
        );
      }),

    runCycle: (request) =>
      guard(async () => {
        if (request.dryRun === true) {
          return err(
            new AppError(
              "engine.unsupported",
              "Dry runs are not available with ABM_ENGINE=entra: Entra's job plans its own cycles. Use `check <user>` to see how one user would be treated.",
            ),
          );
        }
        if (request.kind === "full") {
          const job = await restartJob(null);
          return job.ok ? ok(started("restart", request.trigger, request.actor)) : job;
        }
        const job = await api.findJob();
        if (!job.ok) return job;
        const { code } = job.value.status;
        if (code === "Paused" || code === "NotRun" || (code === "Quarantine" && heldEpisode(job.value) === null)) {
          const done = await api.start(job.value.id);
          if (!done.ok) return done;
          return ok(started("incremental", request.trigger, request.actor));
        }
        // Entra schedules incremental cycles itself (about every 40 min): report the latest one
        return ok(
          runFromExecution(job.value.status.lastExecution) ?? started("incremental", request.trigger, request.actor),
        );
      }),

    restart: (actor, trigger) =>
      guard(async () => {
        const job = await restartJob(null);
        return job.ok ? ok(started("restart", trigger, actor)) : job;
      }),

    pause: () =>
      guard(async () => {
        const job = await api.findJob();
        if (!job.ok) return job;
        const done = await api.pause(job.value.id);
        return done.ok ? ok(undefined) : done;
      }),

    resume: () =>
      guard(async () => {
        const job = await api.findJob();
        if (!job.ok) return job;
        const done = await api.start(job.value.id);
        return done.ok ? ok(undefined) : done;
      }),

    previewScope: (scope) => guard(() => previewScope(api, scope)),

    setScope: (scope, actor) =>
      guard(async () => {
        const written = await writeSecrets((secrets) =>
          withSecret(secrets, "SyncAll", scope === "all" ? "true" : "false"),
        );
        if (!written.ok) return written;
        // Entra applies a scope change only after a restart
        const job = await restartJob(null);
        return job.ok ? ok(started("restart", actor.platform === "cli" ? "cli" : "chat", actor)) : job;
      }),

    checkUser: (query) =>
      guard(async () => {
        const job = await api.findJob();
        if (!job.ok) return job;
        return checkUser({ api, map: deps.attributeMap, verifiedDomains: deps.verifiedDomains }, job.value.id, query);
      }),

    provisionUser: (query, actor) =>
      guard(async () => {
        const job = await api.findJob();
        if (!job.ok) return job;
        const wait = limiter.take(job.value.id);
        if (wait !== null) return err(limiter.error(wait));
        const user = await api.user(query, ["id"]);
        if (!user.ok) return user;
        if (user.value === null) {
          return err(
            new AppError(
              "engine.user_not_found",
              `No Entra user matches ${query} (object id, userPrincipalName or mail).`,
            ),
          );
        }
        const rule = await api.userRuleId(job.value.id);
        if (!rule.ok) return rule;
        const answer = await api.provisionOnDemand(job.value.id, rule.value, user.value.id);
        if (!answer.ok) {
          return err(
            answer.error.code === "entra.throttled" ? limiter.error(answer.error.retryAfterMs ?? 10_000) : answer.error,
          );
        }
        deps.logger.info({ user: user.value.id, actor: actor.id }, "provisioned on demand through Entra");
        return parseOnDemand(user.value.id, answer.value.key, answer.value.value);
      }),

    pendingDeletions: () =>
      guard(async () => {
        const job = await api.findJob();
        if (!job.ok) return job;
        const secrets = await api.secrets();
        if (!secrets.ok) return secrets;
        return ok(await pending(job.value, secrets.value));
      }),

    approveDeletions: (approvalId, actor) =>
      guard(async () => {
        const stored = await loadEpisode(store, approvalId);
        if (stored === null)
          return ok<DecisionOutcome>({ result: "not_found", counts: null, message: `No approval ${approvalId}.` });
        if (stored.status !== "pending") {
          return ok<DecisionOutcome>({
            result: "already_decided",
            counts: null,
            message: `Approval ${approvalId} was already ${stored.status}.`,
          });
        }
        const job = await api.findJob();
        if (!job.ok) return job;
        const episode = heldEpisode(job.value);
        if (episode === null || approvalIdFor(episode) !== approvalId) {
          return ok<DecisionOutcome>({
            result: "already_decided",
            counts: null,
            message:
              "Entra no longer holds these deletions (the quarantine ended or a new one began); nothing was released.",
          });
        }
        await saveEpisode(store, approvalId, { ...stored, status: "approved" });
        const done = await api.restart(job.value.id, "ForceDeletes");
        if (!done.ok) {
          await saveEpisode(store, approvalId, stored);
          return done;
        }
        deps.events.emit({ type: "deletions_decided", approvalId, decision: "approved", actor: actor.id });
        return ok<DecisionOutcome>({
          result: "applied",
          counts: null,
          message: `Entra released the held deletions (restart with ForceDeletes on job ${job.value.id}); its next cycle applies them.`,
        });
      }),

    rejectDeletions: (approvalId, actor) =>
      guard(async () => {
        const stored = await loadEpisode(store, approvalId);
        if (stored === null)
          return ok<DecisionOutcome>({ result: "not_found", counts: null, message: `No approval ${approvalId}.` });
        if (stored.status === "approved") {
          return ok<DecisionOutcome>({
            result: "already_decided",
            counts: null,
            message: `Approval ${approvalId} was already approved.`,
          });
        }
        await saveEpisode(store, approvalId, { ...stored, status: "rejected" });
        deps.events.emit({ type: "deletions_decided", approvalId, decision: "rejected", actor: actor.id });
        return ok<DecisionOutcome>({
          result: "applied",
          counts: null,
          message:
            "Rejected: Entra keeps the job quarantined and deletes nobody. To fix it, put the users back in scope (re-assign them to the Apple Business Manager app or restore them in Entra) or raise the deletion threshold, then run `restart`.",
        });
      }),

    failures: () =>
      guard(async () => {
        const job = await api.findJob();
        return job.ok ? failuresOf(job.value.id) : job;
      }),

    history: (limit) =>
      guard(async () => {
        const job = await api.findJob();
        if (!job.ok) return job;
        const s = job.value.status;
        const runs = new Map<string, RunSummary>();
        for (const e of [s.lastExecution, s.lastSuccessfulExecution, s.lastSuccessfulExecutionWithExports]) {
          const run = runFromExecution(e);
          if (run !== null) runs.set(run.id, run);
        }
        // Graph keeps only these executions of the job; older cycles are in Entra's provisioning logs
        return ok([...runs.values()].sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime()).slice(0, limit));
      }),

    async dueAt() {
      const raw = await store.get(KEYS.lastPoll);
      const last = raw === null ? Number.NaN : Date.parse(raw);
      return Number.isNaN(last) ? clock.now() : new Date(last + pollMs);
    },

    pollFailures: () =>
      guard(async () => {
        const job = await api.findJob();
        if (!job.ok) return job;
        const cursor = readCursor(await store.get(KEYS.cursor)) ?? {
          at: new Date(clock.now().getTime() - (deps.initialLookbackMs ?? 3_600_000)).toISOString(),
          seen: [],
        };
        const read = await failuresSince(api, job.value.id, cursor, OVERLAP_MS, LOG_LIMIT);
        if (!read.ok) return read;
        await store.set(KEYS.cursor, JSON.stringify(read.value.next));
        return ok(read.value.failures);
      }),

    poll: () => guard(() => pollOnce()),

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

    setEmailNotifications: (enabled) =>
      guard(() => writeSecrets((secrets) => withNotificationSettings(secrets, { emailEnabled: enabled }))),

    close: () => handle.close(),
  };

  async function pollOnce(): Promise<Result<PollReport, AppError>> {
    const job = await api.findJob();
    if (!job.ok) return job;
    const secrets = await api.secrets();
    if (!secrets.ok) return secrets;
    const s = job.value.status;
    const quarantineKey =
      s.code === "Quarantine" ? `${s.quarantine?.reason ?? ""}|${s.quarantine?.currentBegan ?? ""}` : "";
    const seenQuarantine = (await store.get(KEYS.quarantine)) ?? "";
    if (quarantineKey !== seenQuarantine) {
      if (quarantineKey === "") deps.events.emit({ type: "quarantine_left" });
      else {
        const held = await pending(job.value, secrets.value);
        const run = runFromExecution(s.lastExecution);
        if (held !== null && run !== null) {
          deps.events.emit({ type: "deletions_held", approvalId: held.approvalId, run, count: held.count });
        } else if (held === null) {
          deps.events.emit({ type: "quarantine_entered", reason: s.quarantine?.reason ?? "Unknown" });
        }
      }
      await store.set(KEYS.quarantine, quarantineKey);
    }
    const run = runFromExecution(s.lastExecution);
    if (run !== null && run.finishedAt !== null && run.id !== (await store.get(KEYS.execution))) {
      const failures = await failuresOf(job.value.id);
      if (!failures.ok) return failures;
      deps.events.emit({ type: "run_finished", run, failures: failures.value });
      await store.set(KEYS.execution, run.id);
    }
    if (deps.disableEmailNotifications === true && notificationSettings(secrets.value).emailEnabled) {
      const off = await engine.setEmailNotifications(false);
      if (!off.ok) deps.logger.warn({ code: off.error.code }, "could not turn Entra's notification e-mail off");
    }
    const fresh = await engine.pollFailures();
    if (!fresh.ok) return fresh;
    await store.set(KEYS.lastPoll, clock.now().toISOString());
    return ok({ newFailures: fresh.value });
  }

  return engine;
}
