import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { connectionColumn, timestampColumns, tstz } from "./columns.js";

/**
 * Held batches waiting for people (src/core/approvals/approval.ts). `kind` repeats `payload.kind`
 * (`native_batch` | `entra_quarantine`); `decisions` is a JSON array of votes `{actorId, actorName,
 * platform, decision, at}`; the status moves by compare-and-set: pending → approved → applied,
 * pending → rejected | expired | withdrawn.
 */
export const approvals = pgTable(
  "approvals",
  {
    id: text("id").primaryKey(),
    ...connectionColumn(),
    kind: text("kind").notNull(),
    payload: jsonb("payload").notNull(),
    status: text("status").notNull().default("pending"),
    requiredApprovals: integer("required_approvals").notNull().default(1),
    decisions: jsonb("decisions").notNull().default(sql`'[]'::jsonb`),
    requestedBy: text("requested_by").notNull(),
    requestedAt: tstz("requested_at").notNull(),
    expiresAt: tstz("expires_at").notNull(),
    decidedAt: tstz("decided_at"),
    appliedAt: tstz("applied_at"),
    result: jsonb("result"),
    messageRefs: jsonb("message_refs").notNull().default(sql`'[]'::jsonb`),
    ...timestampColumns(),
  },
  (t) => [index("approvals_connection_status_idx").on(t.connectionId, t.status)],
);
