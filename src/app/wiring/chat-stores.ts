import type { AuditSink } from "#core/chat/ports.js";
import type { Clock } from "#core/clock.js";
import type { IdGenerator } from "#core/ids.js";
import type { AuditStore } from "#core/ports/store/audit-store.js";

/**
 * The audit log behind the chat core's AuditSink.
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
