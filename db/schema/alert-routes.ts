import { pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { connectionColumn, timestampColumns } from "./columns.js";

/** Channels that receive alerts (`alerts here` / `ABM_ALERT_CHANNELS`). */
export const alertRoutes = pgTable(
  "alert_routes",
  {
    ...connectionColumn(),
    platform: text("platform").notNull(),
    channelId: text("channel_id").notNull(),
    addedBy: text("added_by").notNull(),
    ...timestampColumns(),
  },
  (t) => [uniqueIndex("alert_routes_connection_platform_channel_uq").on(t.connectionId, t.platform, t.channelId)],
);
