import type { AlertRouteBook, AuditSink } from "#core/chat/ports.js";
import type { Clock } from "#core/clock.js";
import type { IdGenerator } from "#core/ids.js";
import type { AlertRouteStore } from "#core/ports/store/alert-route-store.js";
import type { AuditStore } from "#core/ports/store/audit-store.js";

/**
 * Adapters from the database store ports to the chat core's narrow ports (audit, alert routes).
 */
export function createAuditSink(store: AuditStore, connectionId: string, clock: Clock, ids: IdGenerator): AuditSink {
  return {
    record: (entry) =>
      store.record({
        id: ids.next("aud"),
        connectionId,
        actorId: entry.actor,
        platform: entry.platform,
        command: entry.command,
        target: entry.target,
        outcome: entry.outcome,
        detail: { text: entry.detail },
        at: clock.now(),
      }),
  };
}

export function createAlertRouteBook(store: AlertRouteStore, connectionId: string, clock: Clock): AlertRouteBook {
  return {
    add: (conversation, addedBy) =>
      store.add({
        connectionId,
        platform: conversation.platform,
        channelId: conversation.channelId,
        addedBy,
        now: clock.now(),
      }),
    remove: (conversation) => store.remove(connectionId, conversation.platform, conversation.channelId),
  };
}
