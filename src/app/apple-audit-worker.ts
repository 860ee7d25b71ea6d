import { auditGroupOf } from "#core/chat/alerts/apple-audit.js";
import type { AuditCursor } from "#core/chat/alerts/audit-cursor.js";
import type { AlertEvent } from "#core/chat/alerts/incidents.js";
import type { AuditEventClaims } from "#core/chat/alerts/stores.js";
import type { Clock } from "#core/clock.js";
import type { EngineStore } from "#core/engine/engine-store.js";
import { type AppError, toAppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import type { AppleAuditEvent, AppleAuditLog } from "#core/ports/apple-directory.js";
import { err, ok, type Result } from "#core/result.js";

/**
 * Reads Apple's audit log and hands the events nobody alerted yet to the alert policy (kind `apple`).
 * One poll per connection every `pollMs` (5 min: one GET of up to 1000 events, far below Apple's
 * ~20 GETs a minute), by whichever replica holds the `apple-audit` lease. Each poll reads from the
 * stored cursor minus an overlap (Apple may list an event a little late) to now, claims the event
 * ids in the database (an id is claimed once, whoever reads it again), alerts what it claimed,
 * confirms it, and moves the cursor. A claim never confirmed (the poll stopped between claim and
 * alert) is alerted by a later poll, so nothing is lost and nothing is alerted twice.
 */
export interface AppleAuditWorkerDeps {
  readonly log: AppleAuditLog;
  readonly claims: AuditEventClaims;
  /** where the last poll got to */
  readonly cursor: AuditCursor;
  readonly leases: Pick<EngineStore, "acquireLease" | "releaseLease">;
  /** this process's lease holder id */
  readonly holderId: string;
  /** the alert dispatcher's `dispatch` */
  readonly dispatch: (event: AlertEvent) => Promise<Result<unknown, AppError>>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options?: {
    /** default 5 min */
    readonly pollMs?: number;
    /** how far before the cursor each poll reads again; default 15 min */
    readonly overlapMs?: number;
  };
}

/** What one poll did. */
export type AuditPoll =
  | { readonly polled: false; readonly reason: "lease_held" }
  | {
      readonly polled: true;
      readonly from: Date;
      readonly until: Date;
      /** events in the window */
      readonly read: number;
      /** alert-worthy events handed to the alert policy (claimed now, or recovered from a stopped poll) */
      readonly handed: number;
    };

export interface AppleAuditWorker {
  /** one poll now (`signal`: stop reading, e.g. at shutdown) */
  tick(signal?: AbortSignal): Promise<Result<AuditPoll, AppError>>;
  start(): void;
  stop(): Promise<void>;
}

const LEASE = "apple-audit";
/** a poll holds the lease this long (429 waits included); a claim older than this without an alert is recovered */
const LEASE_MS = 10 * 60_000;
/** the first poll reports the last hour, not the whole log */
const FIRST_LOOKBACK_MS = 3_600_000;
/** after a long outage, events older than a week are not alerted (`reconcile` shows the state they left) */
const MAX_LOOKBACK_MS = 7 * 86_400_000;
/** claims are kept a day past the window any poll reads */
const KEEP_MS = 86_400_000;

export function createAppleAuditWorker(deps: AppleAuditWorkerDeps): AppleAuditWorker {
  const pollMs = deps.options?.pollMs ?? 5 * 60_000;
  const overlapMs = deps.options?.overlapMs ?? 15 * 60_000;
  const logger = deps.logger.child({ component: "apple-audit" });
  const { clock } = deps;

  async function windowStart(now: Date): Promise<Result<Date, AppError>> {
    const cursor = await deps.cursor.read();
    if (!cursor.ok && cursor.error.code !== "db.invalid_row") return cursor;
    if (!cursor.ok) logger.warn({ code: cursor.error.code }, `${cursor.error.message} Reading the last hour.`);
    const until = cursor.ok ? cursor.value : null;
    const from = until === null ? now.getTime() - FIRST_LOOKBACK_MS : until.getTime() - overlapMs;
    return ok(new Date(Math.max(from, now.getTime() - MAX_LOOKBACK_MS)));
  }

  async function poll(signal: AbortSignal | undefined): Promise<Result<AuditPoll, AppError>> {
    const until = clock.now();
    const start = await windowStart(until);
    if (!start.ok) return start;
    const from = start.value;
    const read = await deps.log.listAuditEvents({ start: from, end: until }, signal);
    if (!read.ok) return read;
    const recovered = await deps.claims.unconfirmed(new Date(until.getTime() - LEASE_MS));
    if (!recovered.ok) return recovered;
    // only the events that are alerts are claimed (a device import can list thousands of others)
    const alertable = read.value.filter((event) => auditGroupOf(event) !== null);
    const claimed = await deps.claims.claim(alertable, until);
    if (!claimed.ok) return claimed;
    const handed: AppleAuditEvent[] = [...recovered.value, ...claimed.value];
    // dispatched even when empty: a thread quiet for a day is closed by it
    const dispatched = await deps.dispatch({ type: "apple_audit", at: until, events: handed });
    if (!dispatched.ok) return dispatched;
    const confirmed = await deps.claims.confirm(
      handed.map((event) => event.id),
      clock.now(),
    );
    if (!confirmed.ok) return confirmed;
    const moved = await deps.cursor.write(until);
    if (!moved.ok) return moved;
    const pruned = await deps.claims.prune(new Date(from.getTime() - KEEP_MS));
    if (!pruned.ok) return pruned;
    if (handed.length > 0) logger.info({ read: read.value.length, handed: handed.length }, "Apple audit events read");
    return ok({ polled: true, from, until, read: read.value.length, handed: handed.length });
  }

  async function tick(signal?: AbortSignal): Promise<Result<AuditPoll, AppError>> {
    try {
      if (!(await deps.leases.acquireLease(LEASE, deps.holderId, LEASE_MS, clock.now())))
        return ok({ polled: false, reason: "lease_held" });
      try {
        return await poll(signal);
      } finally {
        await deps.leases.releaseLease(LEASE, deps.holderId);
      }
    } catch (error) {
      return err(toAppError(error, "alerts.unexpected"));
    }
  }

  let running: Promise<void> | null = null;
  let abort: AbortController | null = null;

  return {
    tick,
    start() {
      if (running !== null) return;
      const controller = new AbortController();
      abort = controller;
      running = (async () => {
        while (!controller.signal.aborted) {
          const result = await tick(controller.signal);
          if (!result.ok && !controller.signal.aborted)
            logger.warn(
              { code: result.error.code, retryable: result.error.retryable },
              `Apple audit events not read: ${result.error.message}`,
            );
          await clock.sleep(pollMs, controller.signal).catch(() => undefined);
        }
      })();
    },
    async stop() {
      abort?.abort();
      await running;
      running = null;
      abort = null;
    },
  };
}
