import { index, pgTable, text } from "drizzle-orm/pg-core";
import { tstz } from "./timestamps.js";

/**
 * Signed chat requests already accepted (a hash of Slack's request signature), kept until their
 * timestamp could no longer pass the 5-minute check: a replay is refused by every replica and
 * after a restart. Rows past `expires_at` are dead and pruned.
 */
export const seenRequests = pgTable(
  "seen_requests",
  {
    key: text("key").primaryKey(),
    expiresAt: tstz("expires_at").notNull(),
  },
  (t) => [index("seen_requests_expires_at_idx").on(t.expiresAt)],
);
