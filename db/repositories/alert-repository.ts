import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { INCIDENT_KINDS, type IncidentRecord } from "#core/chat/alerts/incidents.js";
import type { IncidentStore, StoredIncident } from "#core/chat/alerts/stores.js";
import { chatPlatformSchema } from "#core/platform.js";
import type { Database } from "../database.js";
import { alerts } from "../schema/alerts.js";
import { attempt, invalidRow, notFound } from "./db-error.js";

type Row = typeof alerts.$inferSelect;

export const messageRefSchema = z.object({
  platform: chatPlatformSchema,
  channelId: z.string().min(1),
  messageId: z.string().min(1),
});

/** migration 0005 gave every ref stored before openings existed its incident's opening (0) */
const incidentRefSchema = messageRefSchema.extend({ opening: z.number().int() });

const columnsSchema = z.object({
  kind: z.enum(INCIDENT_KINDS),
  status: z.enum(["open", "resolved"]),
  messageRefs: z.array(incidentRefSchema),
});

function toStored(row: Row): StoredIncident {
  const parsed = columnsSchema.safeParse(row);
  if (!parsed.success) throw invalidRow("read alert", parsed.error.issues[0]?.message ?? "invalid");
  const incident: IncidentRecord = {
    key: row.incidentKey,
    kind: parsed.data.kind,
    status: parsed.data.status,
    title: row.summary,
    openedAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
    resolvedAt: row.resolvedAt,
    occurrences: row.occurrences,
    count: row.affectedCount,
    milestone: row.milestone,
    opening: row.opening,
  };
  return { incident, messageRefs: parsed.data.messageRefs };
}

/** `alerts` (incidents) of one connection behind the core's IncidentStore. */
export function createIncidentStore(db: Database, connectionId: string, now: () => Date): IncidentStore {
  const key = (incidentKey: string) => and(eq(alerts.connectionId, connectionId), eq(alerts.incidentKey, incidentKey));
  return {
    get: (incidentKey) =>
      attempt("read alert", async () => {
        const rows = await db.select().from(alerts).where(key(incidentKey));
        return rows[0] === undefined ? null : toStored(rows[0]);
      }),
    listOpen: () =>
      attempt("list open alerts", async () => {
        const rows = await db
          .select()
          .from(alerts)
          .where(and(eq(alerts.connectionId, connectionId), eq(alerts.status, "open")))
          .orderBy(desc(alerts.lastSeenAt), alerts.incidentKey);
        return rows.map(toStored);
      }),
    save: (incident) =>
      attempt("save alert", async () => {
        const at = now();
        const fields = {
          kind: incident.kind,
          status: incident.status,
          summary: incident.title,
          occurrences: incident.occurrences,
          affectedCount: incident.count,
          milestone: incident.milestone,
          firstSeenAt: incident.openedAt,
          lastSeenAt: incident.lastSeenAt,
          resolvedAt: incident.resolvedAt,
          opening: incident.opening,
          updatedAt: at,
        };
        await db
          .insert(alerts)
          .values({ connectionId, incidentKey: incident.key, ...fields, createdAt: at })
          .onConflictDoUpdate({ target: [alerts.connectionId, alerts.incidentKey], set: fields });
      }),
    addMessageRef: (incidentKey, ref) =>
      attempt("add alert message", async () => {
        const value = JSON.stringify([incidentRefSchema.parse(ref)]);
        await db
          .update(alerts)
          .set({ messageRefs: sql`${alerts.messageRefs} || ${value}::jsonb`, updatedAt: now() })
          .where(and(key(incidentKey), sql`not (${alerts.messageRefs} @> ${value}::jsonb)`));
        const rows = await db.select({ key: alerts.incidentKey }).from(alerts).where(key(incidentKey));
        if (rows.length === 0) throw notFound("add alert message", "alert", incidentKey);
      }),
  };
}
