import type { Config } from "#config/config.js";
import type { IncidentKind, IncidentRecord } from "#core/chat/alerts/incidents.js";
import type { ChatPlatform } from "#core/chat/ports.js";
import type { Clock } from "#core/clock.js";
import type { AlertRouteStore } from "#core/ports/store/alert-route-store.js";
import type { AlertRecord, AlertStore } from "#core/ports/store/alert-store.js";
import type { JsonValue, MessageRefRecord } from "#core/ports/store/common.js";
import type { OutboxStore as DbOutboxStore } from "#core/ports/store/outbox-store.js";
import { err, ok } from "#core/result.js";
import type { AlertRoute, AlertRouteSource, IncidentStore, OutboxStore } from "../alerts/ports.js";

const KINDS: readonly IncidentKind[] = [
  "failures",
  "cycle_error",
  "quarantine",
  "deletions_held",
  "token_expiring",
  "token_rejected",
];

function platformOf(p: MessageRefRecord["platform"]): ChatPlatform {
  return p === "system" ? "cli" : p;
}

function toIncident(record: AlertRecord): IncidentRecord {
  const kind = KINDS.find((k) => k === record.kind) ?? "cycle_error";
  return {
    key: record.key,
    kind,
    status: record.status,
    title: record.summary,
    openedAt: record.firstSeenAt,
    lastSeenAt: record.lastSeenAt,
    resolvedAt: record.resolvedAt,
    occurrences: record.occurrences,
    count: record.count,
    milestone: record.milestone,
  };
}

/** Incidents in the `alerts` table, for one connection. */
export function createIncidentStore(store: AlertStore, connectionId: string, clock: Clock): IncidentStore {
  const stored = (record: AlertRecord) => ({
    incident: toIncident(record),
    messageRefs: record.messageRefs.map((m) => ({
      platform: platformOf(m.platform),
      channelId: m.channelId,
      messageId: m.messageId,
    })),
  });
  return {
    async get(key) {
      const found = await store.get(connectionId, key);
      if (!found.ok) return err(found.error);
      return ok(found.value === null ? null : stored(found.value));
    },
    async listOpen() {
      const found = await store.listOpen(connectionId);
      if (!found.ok) return err(found.error);
      return ok(found.value.map(stored));
    },
    async save(incident) {
      const saved = await store.save(
        {
          connectionId,
          key: incident.key,
          kind: incident.kind,
          status: incident.status,
          summary: incident.title,
          occurrences: incident.occurrences,
          count: incident.count,
          milestone: incident.milestone,
          firstSeenAt: incident.openedAt,
          lastSeenAt: incident.lastSeenAt,
          resolvedAt: incident.resolvedAt,
        },
        clock.now(),
      );
      return saved.ok ? ok(undefined) : err(saved.error);
    },
    addMessageRef: (key, ref) => store.addMessageRef(connectionId, key, ref, clock.now()),
  };
}

/** The durable outbox (`alert_outbox`), for one connection. */
export function createOutboxStore(store: DbOutboxStore, connectionId: string): OutboxStore {
  return {
    enqueue: (entry) =>
      store.enqueue({
        id: entry.id,
        connectionId,
        platform: entry.platform,
        channelId: entry.channelId,
        payload: entry.payload as JsonValue,
        incidentKey: entry.incidentKey,
        dedupKey: entry.dedupKey,
        now: entry.now,
      }),
    async claimDue(input) {
      const claimed = await store.claimDue(input);
      if (!claimed.ok) return err(claimed.error);
      return ok(
        claimed.value
          .filter((r) => r.connectionId === connectionId)
          .map((r) => ({
            id: r.id,
            platform: platformOf(r.platform),
            channelId: r.channelId,
            payload: r.payload,
            status: r.status,
            attempts: r.attempts,
            createdAt: r.createdAt,
          })),
      );
    },
    markSent: (id, ref, now) => store.markSent(id, ref, now),
    markFailed: (id, failure, now) => store.markFailed(id, failure, now),
  };
}

/** `ABM_ALERT_CHANNELS` plus the routes added with `alerts here`. */
export function createAlertRouteSource(config: Config, store: AlertRouteStore, connectionId: string): AlertRouteSource {
  return {
    async list() {
      const stored = await store.list(connectionId);
      if (!stored.ok) return err(stored.error);
      const routes = new Map<string, AlertRoute>();
      for (const r of config.alerts.routes)
        routes.set(`${r.platform}:${r.channel}`, { platform: r.platform, channelId: r.channel });
      for (const r of stored.value) {
        const platform = platformOf(r.platform);
        routes.set(`${platform}:${r.channelId}`, { platform, channelId: r.channelId });
      }
      return ok([...routes.values()]);
    },
  };
}
