import type { OutboxStore } from "#core/chat/alerts/stores.js";
import type { DigestDeps } from "#core/chat/context.js";
import { composeDigest, renderDigest } from "#core/chat/digest/digest.js";
import { type DigestPeriod, latestPeriod } from "#core/chat/digest/period.js";
import type { ChatLinks } from "#core/chat/format.js";
import type { Clock } from "#core/clock.js";
import type { AppError } from "#core/errors.js";
import { toAppError } from "#core/errors.js";
import type { IdGenerator } from "#core/ids.js";
import type { Logger } from "#core/logger.js";
import { ok, type Result } from "#core/result.js";
import { toJsonPayload } from "./alerts/outbox-payload.js";
import { createRepeater } from "./repeat.js";

/**
 * Posts each digest subscription's digest once per period. At the due time (`ABM_DIGEST_AT`; weekly:
 * Mondays) every replica composes the period's digest and queues it in the alert outbox under the
 * dedup key `digest:<period>|<channel>`: the outbox stores one message per key and connection, so
 * however many replicas run, each channel gets one digest per period, sent by the outbox worker
 * (its pacing and retries). A replica that was down at the due time still sends it within `graceMs`.
 */
export interface DigestWorkerDeps {
  readonly digest: DigestDeps;
  readonly outbox: OutboxStore;
  readonly links: ChatLinks;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly options?: {
    /** how often to look for a due digest; default 60 s */
    readonly pollMs?: number;
    /** how long after the due time a digest is still sent; default 6 h */
    readonly graceMs?: number;
  };
}

export interface DigestWorker {
  /** queues every due digest once; returns how many this call stored in the outbox */
  tick(): Promise<Result<number, AppError>>;
  start(): void;
  stop(): Promise<void>;
}

export function digestDedupKey(period: DigestPeriod, platform: string, channelId: string): string {
  return `digest:${period.key}|${platform}:${channelId}`;
}

export function createDigestWorker(deps: DigestWorkerDeps): DigestWorker {
  const pollMs = deps.options?.pollMs ?? 60_000;
  const graceMs = deps.options?.graceMs ?? 6 * 3_600_000;
  const logger = deps.logger.child({ component: "digest" });
  const { clock } = deps;
  /** keys this process already queued (or found queued): no second composition in this period */
  const done = new Set<string>();

  async function tick(): Promise<Result<number, AppError>> {
    const subscriptions = await deps.digest.subscriptions.list();
    if (!subscriptions.ok) return subscriptions;
    const now = clock.now();
    let stored = 0;
    const composed = new Map<string, ReturnType<typeof renderDigest>>();
    for (const subscription of subscriptions.value) {
      const period = latestPeriod(subscription.cadence, deps.digest.at, now);
      const late = now.getTime() - period.end.getTime();
      // a channel subscribed after the due time gets its first digest at the next one
      if (late > graceMs || subscription.setAt.getTime() > period.end.getTime()) continue;
      const key = digestDedupKey(period, subscription.platform, subscription.channelId);
      if (done.has(key)) continue;
      let reply = composed.get(period.key);
      if (reply === undefined) {
        const digest = await composeDigest(deps.digest.sources, period, deps.digest.at, now);
        if (!digest.ok) return digest;
        reply = renderDigest(digest.value, deps.links);
        composed.set(period.key, reply);
      }
      const added = await deps.outbox.enqueue({
        id: deps.ids.next("out"),
        platform: subscription.platform,
        channelId: subscription.channelId,
        payload: toJsonPayload({ kind: "post", reply }),
        incidentKey: null,
        dedupKey: key,
        now,
      });
      if (!added.ok) return added;
      done.add(key);
      if (added.value) {
        stored += 1;
        logger.info({ period: period.key, channel: subscription.channelId }, "digest queued");
      }
    }
    return ok(stored);
  }

  const loop = createRepeater(clock, async () => {
    try {
      const result = await tick();
      if (!result.ok) logger.warn({ code: result.error.code }, "digest not queued; trying again");
    } catch (error) {
      logger.error({ code: toAppError(error, "alerts.unexpected").code }, "digest worker failed unexpectedly");
    }
    return pollMs;
  });

  return { tick, start: () => loop.start(), stop: () => loop.stop() };
}
