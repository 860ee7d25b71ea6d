import type { Clock } from "#core/clock.js";
import type { EngineEventSink } from "#core/engine/context.js";
import type { AppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import type { NamedValueStore } from "#core/ports/named-values.js";
import type { FailureEntry } from "#core/ports/provisioning-engine.js";
import { ok, type Result } from "#core/result.js";
import type { DeletionDecisions } from "./deletion-decisions.js";
import { type FailuresOf, guard, LOG_LIMIT } from "./engine-support.js";
import { failuresSince, readCursor } from "./failure-log.js";
import { runFromExecution } from "./job-status.js";
import { notificationSettings } from "./secrets.js";
import type { SyncApi } from "./sync-api.js";

export interface PollReport {
  /** failures not alerted before (persisted cursor) */
  readonly newFailures: readonly FailureEntry[];
}

const KEYS = {
  cursor: "entra:failure-cursor",
  lastPoll: "entra:last-poll",
  quarantine: "entra:seen-quarantine",
  execution: "entra:seen-execution",
} as const;
const OVERLAP_MS = 10 * 60_000;

/**
 * The engine's watch over Entra's job: status transitions become events (each once, remembered
 * in the store across restarts), provisioning-log failures are read from a persisted cursor.
 */
export function createEnginePoller(deps: {
  readonly api: SyncApi;
  readonly store: NamedValueStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EngineEventSink;
  readonly decisions: DeletionDecisions;
  readonly failuresOf: FailuresOf;
  /** guarded, as the engine exposes it */
  readonly setEmailNotifications: (enabled: boolean) => Promise<Result<void, AppError>>;
  readonly disableEmailNotifications: boolean;
  readonly pollMs: number;
  readonly initialLookbackMs: number;
}) {
  const { api, store, clock } = deps;

  async function dueAt(): Promise<Date | null> {
    const raw = await store.get(KEYS.lastPoll);
    const last = raw === null ? Number.NaN : Date.parse(raw);
    return Number.isNaN(last) ? clock.now() : new Date(last + deps.pollMs);
  }

  async function pollFailures(): Promise<Result<FailureEntry[], AppError>> {
    const job = await api.findJob();
    if (!job.ok) return job;
    const cursor = readCursor(await store.get(KEYS.cursor)) ?? {
      at: new Date(clock.now().getTime() - deps.initialLookbackMs).toISOString(),
      seen: [],
    };
    const read = await failuresSince(api, job.value.id, cursor, OVERLAP_MS, LOG_LIMIT);
    if (!read.ok) return read;
    await store.set(KEYS.cursor, JSON.stringify(read.value.next));
    return ok(read.value.failures);
  }

  async function poll(): Promise<Result<PollReport, AppError>> {
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
        // alerted once per episode: the seen quarantine key is stored, whoever stored the approval first
        const held = await deps.decisions.observe(job.value, secrets.value);
        if (held?.status === "pending") {
          deps.events.emit({ type: "deletions_held", approval: held, run: runFromExecution(s.lastExecution) });
        } else if (held === null) {
          deps.events.emit({ type: "quarantine_entered", reason: s.quarantine?.reason ?? "Unknown" });
        }
      }
      await store.set(KEYS.quarantine, quarantineKey);
    }
    const run = runFromExecution(s.lastExecution);
    if (run !== null && run.finishedAt !== null && run.id !== (await store.get(KEYS.execution))) {
      const failures = await deps.failuresOf(job.value.id);
      if (!failures.ok) return failures;
      deps.events.emit({ type: "run_finished", run, failures: failures.value });
      await store.set(KEYS.execution, run.id);
    }
    if (deps.disableEmailNotifications && notificationSettings(secrets.value).emailEnabled) {
      const off = await deps.setEmailNotifications(false);
      if (!off.ok) deps.logger.warn({ code: off.error.code }, "could not turn Entra's notification e-mail off");
    }
    const fresh = await guard(pollFailures);
    if (!fresh.ok) return fresh;
    await store.set(KEYS.lastPoll, clock.now().toISOString());
    return ok({ newFailures: fresh.value });
  }

  return { dueAt, pollFailures, poll };
}
