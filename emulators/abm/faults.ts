import { z } from "zod";
import { createTokenBucket, type TokenBucket } from "./rate-limit.js";

/** docs/contracts.md §5 faults body; every field optional, `{}` clears them. */
export const faultsSchema = z
  .object({
    status429Rate: z.number().min(0).max(1).optional(),
    retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
    status5xxRate: z.number().min(0).max(1).optional(),
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    resetRate: z.number().min(0).max(1).optional(),
    /** a token bucket of this many requests per second (one second of burst); over it → 429 */
    rateLimitPerSecond: z.number().positive().max(1_000_000).optional(),
  })
  .strict();

export type Faults = z.infer<typeof faultsSchema>;

/** mulberry32: a small seeded generator so fault runs repeat for a given seed. */
function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type FaultDecision = "none" | "429" | "5xx" | "reset";

/**
 * Decides, per SCIM request, which fault (if any) to inject. Resets happen after the work is done.
 * `now` (milliseconds, monotonic) drives the rate limit's token bucket.
 */
export function createFaultInjector(seed: number, now: () => number = () => performance.now()) {
  let random = createSeededRandom(seed);
  let faults: Faults = {};
  let bucket: TokenBucket | null = null;
  return {
    /** new faults; a rate limit starts with a full bucket */
    set(next: Faults): void {
      faults = next;
      bucket = next.rateLimitPerSecond === undefined ? null : createTokenBucket(next.rateLimitPerSecond, now);
    },
    get: (): Faults => faults,
    /** takes a token of the rate limit: null when the request may go on, else Retry-After in seconds */
    rateLimit: (): number | null => (bucket === null ? null : bucket.take()),
    reseed(): void {
      random = createSeededRandom(seed);
    },
    decide(): FaultDecision {
      const { status429Rate = 0, status5xxRate = 0, resetRate = 0 } = faults;
      if (status429Rate === 0 && status5xxRate === 0 && resetRate === 0) return "none";
      const r = random();
      if (r < status429Rate) return "429";
      if (r < status429Rate + status5xxRate) return "5xx";
      if (r < status429Rate + status5xxRate + resetRate) return "reset";
      return "none";
    },
  };
}
