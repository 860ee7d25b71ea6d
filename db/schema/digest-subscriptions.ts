import { pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { connectionColumn, timestampColumns } from "./columns.js";

/** Channels that receive the digest (`digest daily|weekly`); `digest off` deletes the row. */
export const digestSubscriptions = pgTable(
  "digest_subscriptions",
  {
    ...connectionColumn(),
    platform: text("platform").notNull(),
    channelId: text("channel_id").notNull(),
    /** `daily` or `weekly` */
    cadence: text("cadence").notNull(),
    setBy: text("set_by").notNull(),
    ...timestampColumns(),
  },
  (t) => [
    uniqueIndex("digest_subscriptions_connection_platform_channel_uq").on(t.connectionId, t.platform, t.channelId),
  ],
);
