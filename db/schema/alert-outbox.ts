import { index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { connectionColumn, timestampColumns, tstz } from "./columns.js";

/** Durable queue of chat messages to post or edit; claimed with SKIP LOCKED, retried with back-off. */
export const alertOutbox = pgTable(
  "alert_outbox",
  {
    id: text("id").primaryKey(),
    ...connectionColumn(),
    platform: text("platform").notNull(),
    channelId: text("channel_id").notNull(),
    payload: jsonb("payload").notNull(),
    /** the incident whose parent message this one threads under or edits */
    incidentKey: text("incident_key"),
    threadParent: jsonb("thread_parent"),
    dedupKey: text("dedup_key"),
    status: text("status").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: tstz("next_attempt_at").notNull(),
    lockedUntil: tstz("locked_until"),
    lastErrorCode: text("last_error_code"),
    lastErrorMessage: text("last_error_message"),
    sentRef: jsonb("sent_ref"),
    ...timestampColumns(),
  },
  (t) => [
    uniqueIndex("alert_outbox_connection_dedup_key_uq").on(t.connectionId, t.dedupKey),
    index("alert_outbox_status_next_attempt_idx").on(t.status, t.nextAttemptAt),
  ],
);
