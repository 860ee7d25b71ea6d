import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { AlertRecord, AlertStore } from "#core/ports/store/alert-store.js";
import { messageRefSchema } from "#core/ports/store/common.js";
import type { Database } from "../database.js";
import { alerts } from "../schema/alerts.js";
import { attempt, invalidRow, notFound } from "./db-error.js";

type Row = typeof alerts.$inferSelect;

const columnsSchema = z.object({
  status: z.enum(["open", "resolved"]),
  messageRefs: z.array(messageRefSchema),
});

function toRecord(row: Row): AlertRecord {
  const parsed = columnsSchema.safeParse(row);
  if (!parsed.success) throw invalidRow("read alert", parsed.error.issues[0]?.message ?? "invalid");
  return {
    connectionId: row.connectionId,
    key: row.incidentKey,
    kind: row.kind,
    status: parsed.data.status,
    summary: row.summary,
    occurrences: row.occurrences,
    count: row.affectedCount,
    milestone: row.milestone,
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
    resolvedAt: row.resolvedAt,
    messageRefs: parsed.data.messageRefs,
  };
}

/** `alerts` (incidents) behind the AlertStore port. */
export function createAlertRepository(db: Database): AlertStore {
  const key = (connectionId: string, incidentKey: string) =>
    and(eq(alerts.connectionId, connectionId), eq(alerts.incidentKey, incidentKey));
  return {
    get: (connectionId, incidentKey) =>
      attempt("read alert", async () => {
        const rows = await db.select().from(alerts).where(key(connectionId, incidentKey));
        return rows[0] === undefined ? null : toRecord(rows[0]);
      }),
    listOpen: (connectionId) =>
      attempt("list open alerts", async () => {
        const rows = await db
          .select()
          .from(alerts)
          .where(and(eq(alerts.connectionId, connectionId), eq(alerts.status, "open")))
          .orderBy(desc(alerts.lastSeenAt), alerts.incidentKey);
        return rows.map(toRecord);
      }),
    save: (alert, now) =>
      attempt("save alert", async () => {
        const fields = {
          kind: alert.kind,
          status: alert.status,
          summary: alert.summary,
          occurrences: alert.occurrences,
          affectedCount: alert.count,
          milestone: alert.milestone,
          firstSeenAt: alert.firstSeenAt,
          lastSeenAt: alert.lastSeenAt,
          resolvedAt: alert.resolvedAt,
          updatedAt: now,
        };
        const rows = await db
          .insert(alerts)
          .values({ connectionId: alert.connectionId, incidentKey: alert.key, ...fields, createdAt: now })
          .onConflictDoUpdate({ target: [alerts.connectionId, alerts.incidentKey], set: fields })
          .returning();
        if (rows[0] === undefined) throw invalidRow("save alert", "upsert returned nothing");
        return toRecord(rows[0]);
      }),
    addMessageRef: (connectionId, incidentKey, ref, now) =>
      attempt("add alert message", async () => {
        const value = JSON.stringify([messageRefSchema.parse(ref)]);
        await db
          .update(alerts)
          .set({ messageRefs: sql`${alerts.messageRefs} || ${value}::jsonb`, updatedAt: now })
          .where(and(key(connectionId, incidentKey), sql`not (${alerts.messageRefs} @> ${value}::jsonb)`));
        const rows = await db.select({ key: alerts.incidentKey }).from(alerts).where(key(connectionId, incidentKey));
        if (rows.length === 0) throw notFound("add alert message", "alert", incidentKey);
      }),
  };
}
