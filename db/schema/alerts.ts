import { sql } from "drizzle-orm";
import { bigint, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { connectionColumn, timestampColumns, tstz } from "./columns.js";

/** Incidents: one parent message per key (threaded follow-ups, edits on resolve), with counters. */
export const alerts = pgTable(
  "alerts",
  {
    ...connectionColumn(),
    incidentKey: text("incident_key").notNull(),
    kind: text("kind").notNull(),
    status: text("status").notNull(),
    summary: text("summary").notNull(),
    occurrences: integer("occurrences").notNull().default(1),
    affectedCount: integer("affected_count").notNull().default(0),
    milestone: integer("milestone"),
    firstSeenAt: tstz("first_seen_at").notNull(),
    lastSeenAt: tstz("last_seen_at").notNull(),
    resolvedAt: tstz("resolved_at"),
    /** which opening of the key (0, then the ms the previous one resolved); the refs carry it too */
    opening: bigint("opening", { mode: "number" }).notNull().default(0),
    messageRefs: jsonb("message_refs").notNull().default(sql`'[]'::jsonb`),
    ...timestampColumns(),
  },
  (t) => [uniqueIndex("alerts_connection_incident_key_uq").on(t.connectionId, t.incidentKey)],
);
