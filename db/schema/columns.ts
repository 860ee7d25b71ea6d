import { text } from "drizzle-orm/pg-core";
import { connections } from "./connections.js";

export { timestampColumns, tstz } from "./timestamps.js";

/** Every row belongs to one connection (one Entra tenant + one ABM organization); removed with it. */
export const connectionColumn = () => ({
  connectionId: text("connection_id")
    .notNull()
    .references(() => connections.id, { onDelete: "cascade" }),
});
