import { index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { connectionColumn, timestampColumns, tstz } from "./columns.js";
import { syncRuns } from "./sync-runs.js";

/** The journal: one row per planned operation of a run, written before it is applied, updated after. */
export const syncOperations = pgTable(
  "sync_operations",
  {
    id: text("id").primaryKey(),
    ...connectionColumn(),
    runId: text("run_id")
      .notNull()
      .references(() => syncRuns.id, { onDelete: "cascade" }),
    entraId: text("entra_id").notNull(),
    userName: text("user_name"),
    action: text("action").notNull(),
    status: text("status").notNull(),
    reason: text("reason").notNull(),
    dedupKey: text("dedup_key").notNull(),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    attempts: integer("attempts").notNull().default(0),
    startedAt: tstz("started_at"),
    finishedAt: tstz("finished_at"),
    ...timestampColumns(),
  },
  (t) => [
    uniqueIndex("sync_operations_run_dedup_key_uq").on(t.runId, t.dedupKey),
    index("sync_operations_connection_entra_idx").on(t.connectionId, t.entraId),
    index("sync_operations_connection_dedup_key_idx").on(t.connectionId, t.dedupKey),
  ],
);
