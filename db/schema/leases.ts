import { pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { timestampColumns, tstz } from "./timestamps.js";

/**
 * Time-bounded locks held by one process at a time (one cycle per connection, scheduler
 * leadership). `connection_id` is a plain key here (no foreign key) so process-wide leases can
 * use a reserved id such as `*`.
 */
export const leases = pgTable(
  "leases",
  {
    connectionId: text("connection_id").notNull(),
    name: text("name").notNull(),
    holder: text("holder").notNull(),
    expiresAt: tstz("expires_at").notNull(),
    ...timestampColumns(),
  },
  (t) => [uniqueIndex("leases_connection_name_uq").on(t.connectionId, t.name)],
);
