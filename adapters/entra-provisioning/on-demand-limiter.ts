import type { Clock } from "#core/clock.js";
import { AppError } from "#core/errors.js";

const LIMIT = 5;
const WINDOW_MS = 10_000;

/** Graph allows provisionOnDemand 5 times per 10 s per job; this keeps us under it and says when to retry. */
export function createOnDemandLimiter(clock: Clock) {
  const calls = new Map<string, number[]>();
  return {
    /** records a call and returns null, or returns how long to wait (ms) without recording */
    take(jobId: string): number | null {
      const now = clock.now().getTime();
      const recent = (calls.get(jobId) ?? []).filter((t) => t > now - WINDOW_MS);
      if (recent.length >= LIMIT) {
        calls.set(jobId, recent);
        return (recent[0] ?? now) + WINDOW_MS - now;
      }
      recent.push(now);
      calls.set(jobId, recent);
      return null;
    },
    error(waitMs: number): AppError {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      return new AppError(
        "engine.rate_limited",
        `Entra allows 5 on-demand provisions per 10 seconds for this job; try again in ${seconds} s.`,
        { retryable: true, retryAfterMs: seconds * 1000 },
      );
    },
  };
}
