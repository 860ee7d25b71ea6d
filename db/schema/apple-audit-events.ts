import { jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { connectionColumn, timestampColumns, tstz } from "./columns.js";

/**
 * Apple audit events claimed for alerting, by Apple's event id: polls read overlapping windows and
 * several replicas may poll, and the insert that claims an id succeeds once. `alerted_at` is set
 * once the alert is in the outbox; a claim left without it (a poll that crashed) is alerted by the
 * next poll. Rows older than the overlap are pruned.
 */
export const appleAuditEvents = pgTable(
  "apple_audit_events",
  {
    ...connectionColumn(),
    eventId: text("event_id").notNull(),
    eventAt: tstz("event_at").notNull(),
    /** the event as read (the alert is rendered from it again after a crash) */
    event: jsonb("event").notNull(),
    alertedAt: tstz("alerted_at"),
    ...timestampColumns(),
  },
  (t) => [primaryKey({ name: "apple_audit_events_pk", columns: [t.connectionId, t.eventId] })],
);
