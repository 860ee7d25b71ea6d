import { index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { connectionColumn, timestampColumns, tstz } from "./columns.js";

/** One sync cycle: who started it, when, how it ended and the eight per-action counts. */
export const syncRuns = pgTable(
  "sync_runs",
  {
    id: text("id").primaryKey(),
    ...connectionColumn(),
    kind: text("kind").notNull(),
    trigger: text("trigger").notNull(),
    actor: text("actor").notNull(),
    startedAt: tstz("started_at").notNull(),
    finishedAt: tstz("finished_at"),
    outcome: text("outcome").notNull().default("running"),
    created: integer("created").notNull().default(0),
    adopted: integer("adopted").notNull().default(0),
    updated: integer("updated").notNull().default(0),
    deactivated: integer("deactivated").notNull().default(0),
    deleted: integer("deleted").notNull().default(0),
    skipped: integer("skipped").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    held: integer("held").notNull().default(0),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    ...timestampColumns(),
  },
  (t) => [index("sync_runs_connection_started_idx").on(t.connectionId, t.startedAt)],
);
