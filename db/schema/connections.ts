import { sql } from "drizzle-orm";
import { boolean, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { timestampColumns, tstz } from "./timestamps.js";

/** One Entra tenant + one ABM organization, with the sync's durable switches and quarantine state. */
export const connections = pgTable("connections", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  engine: text("engine").notNull(),
  scope: text("scope").notNull(),
  paused: boolean("paused").notNull().default(false),
  state: text("state").notNull().default("idle"),
  quarantineReason: text("quarantine_reason"),
  quarantineSince: tstz("quarantine_since"),
  quarantineNextAttemptAt: tstz("quarantine_next_attempt_at"),
  quarantineSeriesCount: integer("quarantine_series_count").notNull().default(0),
  needsFullCycle: boolean("needs_full_cycle").notNull().default(true),
  deletionsRejected: boolean("deletions_rejected").notNull().default(false),
  rejectedRemovals: jsonb("rejected_removals").notNull().default(sql`'[]'::jsonb`),
  ...timestampColumns(),
});
