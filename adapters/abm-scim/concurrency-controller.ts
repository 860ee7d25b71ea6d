import type { ScimClientStatus } from "#core/ports/scim-target.js";
import { createRateWindow } from "./rate-window.js";

/**
 * How hard the SCIM client presses ABM: an AIMD concurrency limit and, once ABM has answered 429,
 * a request rate to pace to. Pure: time comes in as milliseconds with every call.
 *
 * - Starts at `max` requests in flight (SYNC_CONCURRENCY), unpaced.
 * - A 429 or a 5xx cuts the limit (× `decrease`, floor 1). A 429 also paces the client to
 *   `paceBackoff` × the rate ABM accepted over the last `windowMs` (or × the current pace, if
 *   lower): with a small latency even one request in flight can outrun a rate limit, so a
 *   concurrency limit alone cannot keep below it; a pace can. The rate counts Retry-After pauses
 *   as time: ABM's bucket refills while the client waits, so over a stretch that ends in a 429 the
 *   accepted rate is ABM's rate, however fast the client sent. It needs a second of evidence first.
 * - At most one decrease per round-trip: a 429 or 5xx answering a request that was already in flight
 *   at the last decrease (or within `minDecreaseIntervalMs` of it) changes nothing, so a burst of
 *   429s from requests sent together counts once. The pace is cut at most once per `windowMs`: a
 *   new estimate needs a window of fresh evidence, and 429s that come whatever the rate (ABM
 *   shedding load) must not ratchet it down faster than it grows back.
 * - Growth is slow: the limit gains 1 after `limit` answers without a decrease (one round-trip's
 *   worth), up to `max`; the pace gains 2 %/s while it holds the client back, 4 %/s from 10 s
 *   after its last cut, 2 more %/s every 5 s after that (at most 10 %/s): it creeps back towards a
 *   limit met a moment ago, and recovers within a minute or so once a storm of 429s is over.
 *
 * Retry-After is not handled here: the limiter pauses every request of the target for it.
 */
export type Outcome = "ok" | "rate_limited" | "server_error" | "no_answer";

export interface ControllerOptions {
  /** the ceiling and the start: SYNC_CONCURRENCY */
  readonly max: number;
  /** factor applied to the limit on a 429 or 5xx; default 0.7 */
  readonly decrease?: number;
  /** share of the measured accepted rate to pace to after a 429; default 0.95 */
  readonly paceBackoff?: number;
  /** the window the accepted rate is measured over; default 5 000 ms */
  readonly windowMs?: number;
  /** no second decrease within this long of one; default 1 000 ms */
  readonly minDecreaseIntervalMs?: number;
}

/** One request as the controller saw it start. */
export interface Ticket {
  readonly seq: number;
}

export interface ConcurrencyController {
  begin(at: number): Ticket;
  end(ticket: Ticket, outcome: Outcome, at: number): void;
  /** requests allowed in flight now */
  limit(): number;
  /** milliseconds between request starts, or null when not paced */
  paceIntervalMs(): number | null;
  snapshot(): ScimClientStatus;
}

const PACE_STEP_MS = 1000;
/** nothing in flight for this long, not after a 429: the client was idle */
const IDLE_MS = 1000;
/** the accepted rate is not trusted from less time than this */
const MIN_EVIDENCE_MS = 1000;
const MIN_PACE_PER_S = 1;

export function createConcurrencyController(options: ControllerOptions): ConcurrencyController {
  const max = options.max;
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`concurrency must be a positive integer, got ${max}`);
  const decrease = options.decrease ?? 0.7;
  const paceBackoff = options.paceBackoff ?? 0.95;
  const windowMs = options.windowMs ?? 5000;
  const minDecreaseIntervalMs = options.minDecreaseIntervalMs ?? 1000;
  const accepted = createRateWindow(windowMs);

  let limit = max;
  let pace: number | null = null;
  let nextSeq = 0;
  /** requests with a lower seq were in flight at the last decrease */
  let decreasedAtSeq = 0;
  let lastDecreaseAt = Number.NEGATIVE_INFINITY;
  let lastPaceCutAt = Number.NEGATIVE_INFINITY;
  let lastPaceStepAt = Number.NEGATIVE_INFINITY;
  let answersSinceChange = 0;
  let inFlight = 0;
  let lastEndAt = Number.NEGATIVE_INFINITY;
  /** the last answer was a 429: a quiet stretch after it is ABM's Retry-After, not the client idling */
  let lastWasRateLimited = false;
  /**
   * start of the current busy spell: the accepted rate is measured over it, at most windowMs back.
   * It starts again after a second with nothing in flight (the engine planning, or between cycles),
   * which would otherwise dilute the rate; not after a 429, whose pause is time ABM's rate counts.
   */
  let busySince = 0;
  let rateLimited = 0;
  let serverErrors = 0;

  /** requests ABM accepted per second in the busy spell, at most windowMs back; null: too little evidence */
  function measuredRate(at: number): number | null {
    const span = Math.min(windowMs, at - busySince);
    if (span < MIN_EVIDENCE_MS) return null;
    return accepted.perSecond(at, span);
  }

  function cut(ticket: Ticket, at: number, rateLimit: boolean): void {
    if (ticket.seq < decreasedAtSeq || at - lastDecreaseAt < minDecreaseIntervalMs) return;
    decreasedAtSeq = nextSeq;
    lastDecreaseAt = at;
    limit = Math.max(1, Math.floor(limit * decrease));
    answersSinceChange = 0;
    if (!rateLimit || at - lastPaceCutAt < windowMs) return;
    const measured = measuredRate(at);
    if (measured === null || measured <= 0) return;
    pace = Math.max(MIN_PACE_PER_S, paceBackoff * Math.min(pace ?? Number.POSITIVE_INFINITY, measured));
    lastPaceCutAt = at;
    lastPaceStepAt = at;
  }

  function grow(at: number): void {
    answersSinceChange++;
    if (answersSinceChange >= limit && limit < max) {
      limit++;
      answersSinceChange = 0;
    }
    if (pace === null || at - lastPaceStepAt < PACE_STEP_MS) return;
    // grow only while the pace is what holds the client back (not the engine, not the latency)
    if (accepted.perSecond(at, PACE_STEP_MS) >= 0.8 * pace) {
      const calmFor = at - lastPaceCutAt;
      const step = Math.min(0.1, 0.02 * Math.max(1, Math.floor(calmFor / 5000)));
      pace *= 1 + step;
    }
    lastPaceStepAt = at;
  }

  return {
    begin(at) {
      if (inFlight === 0 && at - lastEndAt >= IDLE_MS && !lastWasRateLimited) busySince = at;
      inFlight++;
      return { seq: nextSeq++ };
    },
    end(ticket, outcome, at) {
      inFlight = Math.max(0, inFlight - 1);
      lastEndAt = at;
      if (outcome !== "no_answer") lastWasRateLimited = outcome === "rate_limited";
      if (outcome === "ok") {
        accepted.add(at);
        grow(at);
      } else if (outcome === "rate_limited") {
        rateLimited++;
        cut(ticket, at, true);
      } else if (outcome === "server_error") {
        serverErrors++;
        // ABM did accept the request (it counts towards its rate), it failed to do the work
        accepted.add(at);
        cut(ticket, at, false);
      }
    },
    limit: () => limit,
    paceIntervalMs: () => (pace === null ? null : 1000 / pace),
    snapshot: () => ({
      concurrencyLimit: limit,
      concurrencyMax: max,
      pacedPerSecond: pace === null ? null : Math.round(pace * 10) / 10,
      rateLimited,
      serverErrors,
    }),
  };
}
