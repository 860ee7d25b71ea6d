import type { Approval } from "#core/approvals/approval.js";
import type { ApprovalStore } from "#core/approvals/approval-store.js";
import type { IncidentMessageRef, IncidentStore, OutboxEntry, OutboxStore } from "#core/chat/alerts/stores.js";
import { renderApprovalMessage } from "#core/chat/approval-message.js";
import type { ChatLinks } from "#core/chat/format.js";
import type { MessageRef } from "#core/chat/ports.js";
import type { Reply } from "#core/chat/reply.js";
import type { Clock } from "#core/clock.js";
import { isRateLimit } from "#core/error-codes.js";
import { AppError, toAppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import { ok, type Result } from "#core/result.js";
import { createRepeater } from "../repeat.js";
import { type OutboxPayload, parseOutboxPayload } from "./outbox-payload.js";
import type { ChannelNotifier, NotifierMap } from "./ports.js";

/**
 * Sends the outbox: per channel one message at a time, at most one per `minIntervalMs` (Slack's
 * ≈1 message/s per channel), channels in parallel. A 429 pauses that channel for Retry-After;
 * other failures retry with exponential back-off, permanent ones (or too many attempts) go
 * `dead`. Posted parents are recorded on the incident (threads and edits find them later) and,
 * for a held batch, on the approval: `refresh_approval` re-renders every one of them from the stored
 * approval when it is sent, the one path along which approval messages change.
 */
export interface OutboxWorkerOptions {
  readonly minIntervalMs?: number;
  readonly pollMs?: number;
  readonly batch?: number;
  readonly lockMs?: number;
  readonly maxAttempts?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** how long a follow-up or edit waits for its parent to be posted before giving up on threading */
  readonly parentWaitMs?: number;
  /** a Retry-After up to this long is waited out in place; longer ones release the channel's messages */
  readonly maxInlineWaitMs?: number;
}

export interface OutboxWorkerDeps {
  readonly outbox: OutboxStore;
  readonly incidents: IncidentStore;
  readonly approvals: ApprovalStore;
  readonly notifiers: NotifierMap;
  readonly links: ChatLinks;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly options?: OutboxWorkerOptions;
}

export interface OutboxWorker {
  /** claims due messages once and sends them; returns how many were claimed */
  tick(): Promise<number>;
  /** ticks until nothing is due (bounded by `timeoutMs`) */
  drain(timeoutMs?: number): Promise<void>;
  /** polls every `pollMs` until `stop()` */
  start(): void;
  stop(): Promise<void>;
}

type Outcome =
  | { readonly type: "sent"; readonly ref: MessageRef | null }
  | { readonly type: "wait_parent" }
  | { readonly type: "failed"; readonly error: AppError };

interface Lane {
  nextAt: number;
}

export function createOutboxWorker(deps: OutboxWorkerDeps): OutboxWorker {
  const o = deps.options ?? {};
  const minIntervalMs = o.minIntervalMs ?? 1_000;
  const pollMs = o.pollMs ?? 1_000;
  const batch = o.batch ?? 20;
  const lockMs = o.lockMs ?? 120_000;
  const maxAttempts = o.maxAttempts ?? 8;
  const backoffBaseMs = o.backoffBaseMs ?? 2_000;
  const backoffMaxMs = o.backoffMaxMs ?? 300_000;
  const parentWaitMs = o.parentWaitMs ?? 120_000;
  const maxInlineWaitMs = o.maxInlineWaitMs ?? 30_000;
  const logger = deps.logger.child({ component: "outbox" });
  const lanes = new Map<string, Lane>();
  const { clock } = deps;

  /** the parent of this opening of the incident in the entry's channel (a payload without an opening: the first) */
  async function parentRef(
    entry: OutboxEntry,
    thread: { readonly incidentKey: string; readonly opening: number | null },
  ): Promise<Result<string | null, AppError>> {
    const stored = await deps.incidents.get(thread.incidentKey);
    if (!stored.ok) return stored;
    const ref = stored.value?.messageRefs.find(
      (r) =>
        r.platform === entry.platform &&
        r.channelId === entry.channelId &&
        (thread.opening === null || r.opening === thread.opening),
    );
    return ok(ref?.messageId ?? null);
  }

  /** the dispatcher saves the incident right after enqueueing: a fast post may need a moment */
  async function recordParent(key: string, ref: IncidentMessageRef): Promise<Result<void, AppError>> {
    let saved = await deps.incidents.addMessageRef(key, ref);
    for (let i = 0; i < 5 && !saved.ok && saved.error.code === "db.not_found"; i += 1) {
      await clock.sleep(200);
      saved = await deps.incidents.addMessageRef(key, ref);
    }
    return saved;
  }

  const young = (entry: OutboxEntry): boolean => clock.now().getTime() - entry.createdAt.getTime() < parentWaitMs;

  async function edit(
    entry: OutboxEntry,
    notifier: ChannelNotifier,
    thread: { readonly incidentKey: string; readonly opening: number | null },
    reply: Reply,
  ): Promise<Outcome> {
    const key = thread.incidentKey;
    const parent = await parentRef(entry, thread);
    if (!parent.ok) return { type: "failed", error: parent.error };
    if (parent.value === null) {
      if (young(entry)) return { type: "wait_parent" };
      logger.warn({ incident: key, channel: entry.channelId }, "no parent message to edit; edit dropped");
      return { type: "sent", ref: null };
    }
    const updated = await notifier.update(entry.channelId, parent.value, reply);
    return updated.ok
      ? { type: "sent", ref: { platform: entry.platform, channelId: entry.channelId, messageId: parent.value } }
      : { type: "failed", error: updated.error };
  }

  async function deliver(entry: OutboxEntry, payload: OutboxPayload, notifier: ChannelNotifier): Promise<Outcome> {
    switch (payload.kind) {
      case "parent": {
        // a parent of this opening is already in the channel (a catch-up parent for a channel whose parent
        // was queued by a version without catch-ups): never post it twice; bring the one there up to date
        const existing = await parentRef(entry, payload);
        if (!existing.ok) return { type: "failed", error: existing.error };
        if (existing.value !== null && payload.opening !== null)
          return payload.approvalId === null
            ? edit(entry, notifier, payload, payload.reply)
            : { type: "sent", ref: null };
        const posted = await notifier.post(entry.channelId, payload.reply);
        if (!posted.ok) return { type: "failed", error: posted.error };
        const ref: MessageRef = {
          platform: entry.platform,
          channelId: entry.channelId,
          messageId: posted.value.messageId,
        };
        const onIncident = await recordParent(payload.incidentKey, { ...ref, opening: payload.opening ?? 0 });
        if (!onIncident.ok) logger.error({ code: onIncident.error.code }, "posted parent not recorded on the incident");
        if (payload.approvalId !== null && (ref.platform === "slack" || ref.platform === "teams")) {
          const message = { platform: ref.platform, channelId: ref.channelId, messageId: ref.messageId };
          try {
            await deps.approvals.addMessage(payload.approvalId, message, clock.now());
          } catch (error) {
            logger.error({ code: toAppError(error, "alerts.unexpected").code }, "posted approval message not recorded");
          }
        }
        return { type: "sent", ref };
      }
      case "thread": {
        const parent = await parentRef(entry, payload);
        if (!parent.ok) return { type: "failed", error: parent.error };
        if (parent.value === null && young(entry)) return { type: "wait_parent" };
        const posted =
          parent.value === null
            ? await notifier.post(entry.channelId, payload.reply)
            : await notifier.reply(entry.channelId, parent.value, payload.reply);
        return posted.ok
          ? {
              type: "sent",
              ref: { platform: entry.platform, channelId: entry.channelId, messageId: posted.value.messageId },
            }
          : { type: "failed", error: posted.error };
      }
      case "edit_parent":
        return edit(entry, notifier, payload, payload.reply);
      case "post": {
        const posted = await notifier.post(entry.channelId, payload.reply);
        return posted.ok
          ? {
              type: "sent",
              ref: { platform: entry.platform, channelId: entry.channelId, messageId: posted.value.messageId },
            }
          : { type: "failed", error: posted.error };
      }
      case "refresh_approval": {
        let approval: Approval | null;
        try {
          approval = await deps.approvals.get(payload.approvalId);
        } catch (error) {
          return { type: "failed", error: toAppError(error, "alerts.unexpected") };
        }
        if (approval === null) return { type: "sent", ref: null };
        return edit(entry, notifier, payload, renderApprovalMessage(approval, clock.now(), deps.links));
      }
    }
  }

  function backoff(attempts: number): number {
    const exp = Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.max(0, attempts - 1));
    return Math.round(exp * (0.8 + Math.random() * 0.4));
  }

  async function fail(entry: OutboxEntry, error: AppError, nextAt: Date | null): Promise<void> {
    const saved = await deps.outbox.markFailed(
      entry.id,
      { code: error.code, message: error.message.slice(0, 500), nextAttemptAt: nextAt },
      clock.now(),
    );
    if (!saved.ok) logger.error({ code: saved.error.code, id: entry.id }, "outbox failure not recorded");
  }

  async function sendOne(entry: OutboxEntry, lane: Lane): Promise<"ok" | "paused"> {
    const payload = parseOutboxPayload(entry.payload);
    const notifier = deps.notifiers[entry.platform];
    if (payload === null || notifier === undefined) {
      const error =
        payload === null
          ? new AppError("alerts.bad_payload", "The outbox message cannot be read.")
          : new AppError("alerts.no_notifier", `No notifier for ${entry.platform}.`);
      await fail(entry, error, null);
      return "ok";
    }
    for (let inline = 0; ; inline += 1) {
      const wait = lane.nextAt - clock.now().getTime();
      if (wait > 0) await clock.sleep(wait);
      let outcome: Outcome;
      try {
        outcome = await deliver(entry, payload, notifier);
      } catch (error) {
        outcome = { type: "failed", error: toAppError(error, "alerts.send_failed") };
      }
      const now = clock.now();
      if (outcome.type !== "wait_parent") lane.nextAt = now.getTime() + minIntervalMs;
      if (outcome.type === "sent") {
        const saved = await deps.outbox.markSent(entry.id, outcome.ref, now);
        if (!saved.ok) logger.error({ code: saved.error.code, id: entry.id }, "outbox message sent but not marked");
        return "ok";
      }
      if (outcome.type === "wait_parent") {
        await fail(
          entry,
          new AppError("alerts.parent_pending", "Waiting for the parent message."),
          new Date(now.getTime() + 2_000),
        );
        return "ok";
      }
      const { error } = outcome;
      if (isRateLimit(error.code)) {
        const retryAfter = Math.max(1_000, error.retryAfterMs ?? 1_000);
        lane.nextAt = now.getTime() + retryAfter;
        logger.warn({ channel: entry.channelId, retryAfterMs: retryAfter }, "channel rate-limited; pausing it");
        if (retryAfter <= maxInlineWaitMs && inline < 5) continue;
        await fail(entry, error, new Date(lane.nextAt));
        return "paused";
      }
      const dead = !error.retryable || entry.attempts >= maxAttempts;
      await fail(entry, error, dead ? null : new Date(now.getTime() + backoff(entry.attempts)));
      logger.warn({ code: error.code, id: entry.id, attempts: entry.attempts, dead }, "outbox message not sent");
      return "ok";
    }
  }

  async function runLane(key: string, entries: readonly OutboxEntry[]): Promise<void> {
    const lane = lanes.get(key) ?? { nextAt: 0 };
    lanes.set(key, lane);
    for (let i = 0; i < entries.length; i += 1) {
      const entry = entries[i];
      if (entry === undefined) continue;
      if ((await sendOne(entry, lane)) === "paused") {
        // release the rest of this channel until the pause ends (keeps their order)
        const rest = entries.slice(i + 1);
        const error = new AppError("alerts.channel_paused", "The channel is rate-limited.", { retryable: true });
        for (const later of rest) await fail(later, error, new Date(lane.nextAt));
        return;
      }
    }
  }

  async function tick(): Promise<number> {
    const claimed = await deps.outbox.claimDue({ now: clock.now(), limit: batch, lockMs });
    if (!claimed.ok) {
      logger.error({ code: claimed.error.code }, "outbox could not be read");
      return 0;
    }
    const byLane = new Map<string, OutboxEntry[]>();
    for (const entry of claimed.value) {
      const key = `${entry.platform}:${entry.channelId}`;
      byLane.set(key, [...(byLane.get(key) ?? []), entry]);
    }
    await Promise.all([...byLane].map(([key, entries]) => runLane(key, entries)));
    return claimed.value.length;
  }

  // a tick that claimed messages goes on at once; an empty one waits a poll
  const loop = createRepeater(clock, async () => ((await tick()) === 0 ? pollMs : 0));

  return {
    tick,
    async drain(timeoutMs = 30_000) {
      const deadline = clock.now().getTime() + timeoutMs;
      while (clock.now().getTime() < deadline) {
        if ((await tick()) === 0) return;
      }
    },
    start: () => loop.start(),
    stop: () => loop.stop(),
  };
}
