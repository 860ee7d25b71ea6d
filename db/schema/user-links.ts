import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { connectionColumn, timestampColumns, tstz } from "./columns.js";

/**
 * Entra object id ↔ ABM SCIM id, with what was last pushed. Also the failure escrow: a row whose
 * `scim_id` is null records a user that failed before ABM knew it (e.g. a create); the
 * `last_error_*` / `failed_attempts` / `next_retry_at` columns hold the latest failure of any row.
 */
export const userLinks = pgTable(
  "user_links",
  {
    ...connectionColumn(),
    entraId: text("entra_id").notNull(),
    scimId: text("scim_id"),
    userName: text("user_name"),
    attributeHash: text("attribute_hash"),
    active: boolean("active").notNull().default(true),
    lastPushed: jsonb("last_pushed"),
    lastErrorCode: text("last_error_code"),
    lastErrorMessage: text("last_error_message"),
    lastErrorFix: text("last_error_fix"),
    lastErrorAction: text("last_error_action"),
    failedAttempts: integer("failed_attempts").notNull().default(0),
    lastFailedAt: tstz("last_failed_at"),
    nextRetryAt: tstz("next_retry_at"),
    ...timestampColumns(),
  },
  (t) => [
    uniqueIndex("user_links_connection_entra_uq").on(t.connectionId, t.entraId),
    uniqueIndex("user_links_connection_scim_uq").on(t.connectionId, t.scimId),
    index("user_links_connection_next_retry_idx").on(t.connectionId, t.nextRetryAt),
  ],
);
