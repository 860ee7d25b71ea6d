import { createHash } from "node:crypto";
import { verifySlackRequest } from "@slack/bolt";
import { AppError, type ErrorCode } from "#core/errors.js";
import type { SeenRequestStore } from "#core/ports/seen-requests.js";
import { err, ok, type Result } from "#core/result.js";

/**
 * Verifies a Slack request in two steps. `checkHeaders` runs before the body is read: the
 * signature headers are present and well formed and the timestamp is within 5 minutes either
 * way. `verify` then checks the `v0` HMAC over the raw body (Bolt's `verifySlackRequest`) and
 * refuses a replay: each accepted signature is recorded in a `SeenRequestStore` until its
 * timestamp could no longer pass, so with the database-backed store every replica (and the same
 * one after a restart) refuses it. Without a store, a bounded in-process cache does the same
 * for one process.
 */
const MAX_SKEW_S = 5 * 60;
const SIGNATURE = /^v0=[0-9a-f]{64}$/;

export interface RequestHeaders {
  readonly signature: string | undefined;
  readonly timestamp: string | undefined;
}

export interface RequestVerifier {
  /** the checks that need no body; a failure means the body should not be read */
  checkHeaders(headers: RequestHeaders): Result<void, AppError>;
  verify(headers: RequestHeaders, rawBody: string): Promise<Result<void, AppError>>;
}

const refuse = (code: ErrorCode, message: string): Result<never, AppError> =>
  err(new AppError(code, message, { retryable: false }));

/** One process only: signature → expiry, insertion-ordered, oldest dropped first past `capacity`. */
function createMemorySeenRequestStore(capacity = 50_000): SeenRequestStore {
  const limit = Math.max(100, capacity);
  const seen = new Map<string, number>();
  const forget = (nowMs: number): number => {
    let dropped = 0;
    for (const [key, until] of seen) {
      if (until > nowMs && seen.size <= limit) break;
      seen.delete(key);
      dropped += 1;
    }
    return dropped;
  };
  return {
    async remember({ key, expiresAt, now }) {
      forget(now.getTime());
      const until = seen.get(key);
      if (until !== undefined && until > now.getTime()) return ok(false);
      seen.set(key, expiresAt.getTime());
      return ok(true);
    },
    async prune(now) {
      return ok(forget(now.getTime()));
    },
  };
}

export function createRequestVerifier(options: {
  readonly signingSecret: string;
  readonly now?: () => number;
  /** where accepted signatures are remembered (default: in this process only) */
  readonly seen?: SeenRequestStore;
}): RequestVerifier {
  const now = options.now ?? Date.now;
  const seen = options.seen ?? createMemorySeenRequestStore();

  function checkHeaders(headers: RequestHeaders): Result<{ signature: string; ts: number }, AppError> {
    const { signature, timestamp } = headers;
    if (signature === undefined || timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) {
      return refuse("slack.unsigned", "The request carries no valid Slack signature headers.");
    }
    if (!SIGNATURE.test(signature)) {
      return refuse("slack.bad_signature", "The Slack request signature does not match.");
    }
    const ts = Number(timestamp);
    if (Math.abs(Math.floor(now() / 1000) - ts) > MAX_SKEW_S) {
      return refuse("slack.stale_request", "The request timestamp is more than 5 minutes away from now.");
    }
    return ok({ signature, ts });
  }

  return {
    checkHeaders(headers) {
      const checked = checkHeaders(headers);
      return checked.ok ? ok(undefined) : checked;
    },
    async verify(headers, rawBody) {
      const checked = checkHeaders(headers);
      if (!checked.ok) return checked;
      const { signature, ts } = checked.value;
      const nowMs = now();
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
      // the HMAC already binds timestamp and body; a hash keeps the stored key short and opaque
      const key = `slack:${createHash("sha256").update(signature).digest("hex")}`;
      const remembered = await seen.remember({
        key,
        expiresAt: new Date((ts + MAX_SKEW_S + 1) * 1000),
        now: new Date(nowMs),
      });
      if (!remembered.ok) {
        return err(
          new AppError("slack.replay_check_failed", "The request could not be checked for replay; try again.", {
            retryable: true,
            cause: remembered.error,
          }),
        );
      }
      if (!remembered.value) return refuse("slack.replayed_request", "This Slack request was already received.");
      return ok(undefined);
    },
  };
}
