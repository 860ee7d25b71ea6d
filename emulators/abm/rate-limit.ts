/**
 * The emulator's rate limit (faults body `rateLimitPerSecond`): a token bucket that holds one
 * second's worth of requests (`rate` tokens, full at the start) and refills continuously at `rate`
 * tokens per second. Each SCIM request takes one token; a request that finds less than one is
 * refused, and `retryAfterSeconds` says when a token will be there again, rounded UP to whole
 * seconds (HTTP's delta-seconds, at least 1), which is what real clients parse.
 */
export interface TokenBucket {
  /** takes a token; null when one was there, else the Retry-After in whole seconds */
  take(): number | null;
}

export function createTokenBucket(rate: number, now: () => number): TokenBucket {
  if (!(rate > 0)) throw new RangeError(`rate must be positive, got ${rate}`);
  const capacity = Math.max(1, rate);
  let tokens = capacity;
  let last = now();
  return {
    take() {
      const at = now();
      tokens = Math.min(capacity, tokens + ((at - last) / 1000) * rate);
      last = at;
      if (tokens >= 1) {
        tokens -= 1;
        return null;
      }
      return Math.max(1, Math.ceil((1 - tokens) / rate));
    },
  };
}
