import { jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { connectionColumn, timestampColumns } from "./columns.js";

/** Channels that receive alerts (`alerts here [kinds]`); `ABM_ALERT_CHANNELS` is not stored. */
export const alertRoutes = pgTable(
  "alert_routes",
  {
    ...connectionColumn(),
    platform: text("platform").notNull(),
    channelId: text("channel_id").notNull(),
    /** who set the route or last changed its kinds (`updated_at` says when) */
    addedBy: text("added_by").notNull(),
    /** the alert kinds this channel receives: `["all"]` (every kind, also later ones) or e.g. `["deletions","tokens"]` */
    kinds: jsonb("kinds").notNull().default(["all"]),
    ...timestampColumns(),
  },
  (t) => [uniqueIndex("alert_routes_connection_platform_channel_uq").on(t.connectionId, t.platform, t.channelId)],
);
