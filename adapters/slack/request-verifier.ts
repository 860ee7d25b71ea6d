import { verifySlackRequest } from "@slack/bolt";
import { AppError } from "#core/errors.js";
import { err, ok, type Result } from "#core/result.js";

/**
 * Verifies a Slack request: the `v0` HMAC signature (Bolt's `verifySlackRequest`), a timestamp
 * within 5 minutes either way, and no replay — a signature seen in the last few minutes is
 * refused. The cache is bounded; an entry lives as long as its timestamp could still pass.
 */
const MAX_SKEW_S = 5 * 60;

export interface RequestHeaders {
  readonly signature: string | undefined;
  readonly timestamp: string | undefined;
}

export interface RequestVerifier {
  verify(headers: RequestHeaders, rawBody: string): Result<void, AppError>;
}

export function createRequestVerifier(options: {
  readonly signingSecret: string;
  readonly now?: () => number;
  /** most signatures remembered at once (oldest dropped first) */
  readonly replayCacheSize?: number;
}): RequestVerifier {
  const now = options.now ?? Date.now;
  const capacity = Math.max(100, options.replayCacheSize ?? 50_000);
  /** signature → unix seconds after which it can be forgotten; insertion-ordered */
  const seen = new Map<string, number>();

  const refuse = (code: string, message: string): Result<void, AppError> =>
    err(new AppError(code, message, { retryable: false }));

  function forgetExpired(nowS: number): void {
    for (const [signature, until] of seen) {
      if (until > nowS && seen.size <= capacity) break;
      seen.delete(signature);
    }
  }

  return {
    verify(headers, rawBody) {
      const { signature, timestamp } = headers;
      if (signature === undefined || timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) {
        return refuse("slack.unsigned", "The request carries no valid Slack signature headers.");
      }
      const nowMs = now();
      const nowS = Math.floor(nowMs / 1000);
      const ts = Number(timestamp);
      if (Math.abs(nowS - ts) > MAX_SKEW_S) {
        return refuse("slack.stale_request", "The request timestamp is more than 5 minutes away from now.");
      }
      try {
        verifySlackRequest({
          signingSecret: options.signingSecret,
          body: rawBody,
          headers: { "x-slack-signature": signature, "x-slack-request-timestamp": ts },
          nowMilliseconds: nowMs,
        });
      } catch {
        return refuse("slack.bad_signature", "The Slack request signature does not match.");
      }
      forgetExpired(nowS);
      if (seen.has(signature)) return refuse("slack.replayed_request", "This Slack request was already received.");
      seen.set(signature, ts + MAX_SKEW_S + 1);
      return ok(undefined);
    },
  };
}
