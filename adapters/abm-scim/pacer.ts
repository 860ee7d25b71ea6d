/**
 * Spaces request starts at a rate that may change from one request to the next: a token bucket
 * refilled at the rate, holding a few milliseconds' worth (a paced client that fell behind because
 * timers fire late may catch up that much at once). Pure: time comes in as milliseconds. Tokens may
 * go negative: each call reserves one, so waiters line up.
 *
 * A Retry-After pause is made up afterwards: the starts it held back are sent on a second schedule at
 * the same rate, so for as long as the pause lasted the client sends at twice the rate. ABM's own
 * bucket refilled during the pause, and the pace then holds on average over time, pauses included;
 * otherwise every pause would lower the rate ABM sees, and the controller, which measures that rate,
 * would lower the pace after it. Spread out rather than sent at once, the make-up cannot throw a
 * whole concurrency's worth of requests at an ABM whose bucket is smaller than the pause.
 */
export interface Pacer {
  /** reserves a start for a request at `at`; returns how long to wait for it (0: now) */
  reserve(at: number, perSecond: number): number;
  /** a Retry-After pause from `from` to `until`: its starts are made up after it */
  paused(from: number, until: number, perSecond: number): void;
}

/** what a paced client may send at once after falling behind */
const SLACK_MS = 20;

export function createPacer(): Pacer {
  let tokens = 0;
  let last: number | null = null;
  /** starts a pause held back, not made up yet, and when the next make-up start may go */
  let owed = 0;
  let makeUpAt = Number.NEGATIVE_INFINITY;

  function refill(at: number, perSecond: number): void {
    const capacity = Math.max(1, (perSecond * SLACK_MS) / 1000);
    if (last === null) tokens = capacity;
    else tokens = Math.min(capacity, tokens + (Math.max(0, at - last) / 1000) * perSecond);
    last = Math.max(last ?? at, at);
  }

  return {
    reserve(at, perSecond) {
      refill(at, perSecond);
      const interval = 1000 / perSecond;
      const regularWait = tokens >= 1 ? 0 : (1 - tokens) * interval;
      if (owed >= 1) {
        const makeUp = Math.max(makeUpAt, at - SLACK_MS);
        if (makeUp - at < regularWait) {
          owed -= 1;
          makeUpAt = makeUp + interval;
          return Math.max(0, makeUp - at);
        }
      }
      tokens -= 1;
      return tokens >= 0 ? 0 : -tokens * interval;
    },
    paused(from, until, perSecond) {
      if (until <= from) return;
      owed += ((until - from) / 1000) * perSecond;
      makeUpAt = Math.max(makeUpAt, until);
    },
  };
}
