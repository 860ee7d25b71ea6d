import { pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { connectionColumn, timestampColumns } from "./columns.js";

/** Named resumption points per connection, e.g. the Graph users delta link. */
export const watermarks = pgTable(
  "watermarks",
  {
    ...connectionColumn(),
    name: text("name").notNull(),
    value: text("value").notNull(),
    ...timestampColumns(),
  },
  (t) => [uniqueIndex("watermarks_connection_name_uq").on(t.connectionId, t.name)],
);
