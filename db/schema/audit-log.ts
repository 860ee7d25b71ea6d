import { index, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { connectionColumn, tstz } from "./columns.js";

/** Who did what, from which platform, with what outcome. Append-only. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    ...connectionColumn(),
    actorId: text("actor_id").notNull(),
    platform: text("platform").notNull(),
    command: text("command").notNull(),
    target: text("target"),
    outcome: text("outcome").notNull(),
    detail: jsonb("detail").notNull(),
    at: tstz("at").notNull(),
  },
  (t) => [index("audit_log_connection_at_idx").on(t.connectionId, t.at)],
);
