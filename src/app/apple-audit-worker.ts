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
import { createRepeater } from "./repeat.js";

/**
 * Reads Apple's audit log and hands the events nobody alerted yet to the alert policy (kind `apple`).
 * One poll per connection every `pollMs` (the runtime: as often as the sync runs, 30 s to 5 min;
 * one GET of up to 1000 events, far below Apple's ~20 GETs a minute), by whichever replica holds
 * the `apple-audit` lease. Each poll reads from the
 * stored cursor minus an overlap (Apple may list an event a little late) to now, claims the event
 * ids in the database (an id is claimed once, whoever reads it again), alerts what it claimed,
 * confirms it, and moves the cursor. A claim never confirmed (the poll stopped between claim and
 * confirm) is planned again by a later poll as the same batch: its messages carry the events' ids
 * in their dedup keys, so a batch planned again the same way is not queued twice (one that had
 * opened its group's thread is posted once more in that thread), and nothing is lost.
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
  /** another replica polls (`lease_held`), or took over while this one read (`lease_lost`) */
  | { readonly polled: false; readonly reason: "lease_held" | "lease_lost" }
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
/** a poll holds the lease this long (renewed before it claims); a claim older than this without an alert is recovered */
const LEASE_MS = 10 * 60_000;
/** the read gives up this long before the lease would lapse */
const LEASE_MARGIN_MS = 2 * 60_000;
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

  /** renews the lease; false when another replica holds it now (this poll then stops) */
  const stillHolding = (): Promise<boolean> => deps.leases.acquireLease(LEASE, deps.holderId, LEASE_MS, clock.now());

  async function hand(events: readonly AppleAuditEvent[], at: Date): Promise<Result<void, AppError>> {
    const dispatched = await deps.dispatch({ type: "apple_audit", at, events });
    if (!dispatched.ok) return dispatched;
    return deps.claims.confirm(
      events.map((event) => event.id),
      clock.now(),
    );
  }

  async function poll(signal: AbortSignal | undefined): Promise<Result<AuditPoll, AppError>> {
    const until = clock.now();
    const start = await windowStart(until);
    if (!start.ok) return start;
    const from = start.value;
    // the read gives up before the lease could lapse (Apple's 429 waits included)
    const deadline = AbortSignal.timeout(LEASE_MS - LEASE_MARGIN_MS);
    const read = await deps.log.listAuditEvents(
      { start: from, end: until },
      signal === undefined ? deadline : AbortSignal.any([signal, deadline]),
    );
    if (!read.ok) return read;
    if (!(await stillHolding())) return ok({ polled: false, reason: "lease_lost" });
    // a poll that stopped between claiming and alerting: its batches, planned again as they were
    const stranded = await deps.claims.unconfirmed(new Date(clock.now().getTime() - LEASE_MS));
    if (!stranded.ok) return stranded;
    // only the events that are alerts are claimed (a device import can list thousands of others)
    const alertable = read.value.filter((event) => auditGroupOf(event) !== null);
    const claimed = await deps.claims.claim(alertable, clock.now());
    if (!claimed.ok) return claimed;
    let handed = 0;
    for (const batch of stranded.value) {
      const done = await hand(batch, until);
      // a batch that cannot be alerted never holds up the rest: it is tried again next poll
      if (!done.ok) {
        logger.warn(
          { code: done.error.code, events: batch.length },
          `Apple audit events claimed by a stopped poll not alerted yet: ${done.error.message}`,
        );
        continue;
      }
      handed += batch.length;
    }
    // handed even when empty: a thread quiet for a day is closed by it
    const done = await hand(claimed.value, until);
    if (!done.ok) return done;
    handed += claimed.value.length;
    const moved = await deps.cursor.write(until);
    if (!moved.ok) return moved;
    const pruned = await deps.claims.prune(new Date(from.getTime() - KEEP_MS));
    if (!pruned.ok) return pruned;
    if (handed > 0) logger.info({ read: read.value.length, handed }, "Apple audit events read");
    return ok({ polled: true, from, until, read: read.value.length, handed });
  }

  async function tick(signal?: AbortSignal): Promise<Result<AuditPoll, AppError>> {
    try {
      if (!(await stillHolding())) return ok({ polled: false, reason: "lease_held" });
      try {
        return await poll(signal);
      } finally {
        await deps.leases.releaseLease(LEASE, deps.holderId).catch((error: unknown) => {
          // the lease lapses on its own; the poll's own result stands
          logger.warn({ code: toAppError(error, "db.query_failed").code }, "the apple-audit lease was not released");
        });
      }
    } catch (error) {
      return err(toAppError(error, "alerts.unexpected"));
    }
  }

  const loop = createRepeater(clock, async (signal) => {
    const result = await tick(signal);
    if (!result.ok && !signal.aborted)
      logger.warn(
        { code: result.error.code, retryable: result.error.retryable },
        `Apple audit events not read: ${result.error.message}`,
      );
    return pollMs;
  });

  return { tick, start: () => loop.start(), stop: () => loop.stop() };
}
