import { and, asc, eq, inArray, lte, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { OutboxEntry, OutboxStore } from "#core/chat/alerts/stores.js";
import { chatPlatformSchema } from "#core/platform.js";
import type { Database } from "../database.js";
import { alertOutbox } from "../schema/alert-outbox.js";
import { messageRefSchema } from "./alert-repository.js";
import { attempt, invalidRow, notFound } from "./db-error.js";

type Row = typeof alertOutbox.$inferSelect;

const columnsSchema = z.object({
  platform: chatPlatformSchema,
  payload: z.json(),
  status: z.enum(["pending", "sending", "sent", "dead"]),
});

function toEntry(row: Row): OutboxEntry {
  const parsed = columnsSchema.safeParse(row);
  if (!parsed.success) throw invalidRow("read outbox message", parsed.error.issues[0]?.message ?? "invalid");
  return {
    id: row.id,
    platform: parsed.data.platform,
    channelId: row.channelId,
    payload: parsed.data.payload,
    status: parsed.data.status,
    attempts: row.attempts,
    createdAt: row.createdAt,
  };
}

/** `alert_outbox` of one connection behind the core's OutboxStore: every statement names the connection. */
export function createOutboxStore(db: Database, connectionId: string): OutboxStore {
  const mine = (id: string) => and(eq(alertOutbox.id, id), eq(alertOutbox.connectionId, connectionId));
  async function change(operation: string, id: string, set: Partial<typeof alertOutbox.$inferInsert>) {
    const rows = await db.update(alertOutbox).set(set).where(mine(id)).returning({ id: alertOutbox.id });
    if (rows.length === 0) throw notFound(operation, "outbox message", id);
  }

  return {
    enqueue: (entry) =>
      attempt("enqueue chat message", async () => {
        const payload = z.json().safeParse(entry.payload);
        if (!payload.success) throw invalidRow("enqueue chat message", "the payload is not JSON");
        const rows = await db
          .insert(alertOutbox)
          .values({
            id: entry.id,
            connectionId,
            platform: entry.platform,
            channelId: entry.channelId,
            payload: payload.data,
            incidentKey: entry.incidentKey,
            threadParent: null,
            dedupKey: entry.dedupKey,
            status: "pending",
            nextAttemptAt: entry.now,
            createdAt: entry.now,
            updatedAt: entry.now,
          })
          .onConflictDoNothing({ target: [alertOutbox.connectionId, alertOutbox.dedupKey] })
          .returning({ id: alertOutbox.id });
        return rows.length === 1;
      }),
    claimDue: ({ now, limit, lockMs }) =>
      attempt("claim chat messages", async () => {
        const due = db
          .select({ id: alertOutbox.id })
          .from(alertOutbox)
          .where(
            and(
              eq(alertOutbox.connectionId, connectionId),
              or(
                and(eq(alertOutbox.status, "pending"), lte(alertOutbox.nextAttemptAt, now)),
                and(eq(alertOutbox.status, "sending"), lte(alertOutbox.lockedUntil, now)),
              ),
            ),
          )
          .orderBy(asc(alertOutbox.nextAttemptAt), asc(alertOutbox.id))
          .limit(limit)
          .for("update", { skipLocked: true });
        const rows = await db
          .update(alertOutbox)
          .set({
            status: "sending",
            attempts: sql`${alertOutbox.attempts} + 1`,
            lockedUntil: new Date(now.getTime() + lockMs),
            updatedAt: now,
          })
          .where(inArray(alertOutbox.id, due))
          .returning();
        return rows
          .sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id.localeCompare(b.id))
          .map(toEntry);
      }),
    markSent: (id, sentRef, now) =>
      attempt("mark chat message sent", () =>
        change("mark chat message sent", id, {
          status: "sent",
          sentRef: sentRef === null ? null : messageRefSchema.parse(sentRef),
          lockedUntil: null,
          updatedAt: now,
        }),
      ),
    markFailed: (id, failure, now) =>
      attempt("mark chat message failed", () =>
        change("mark chat message failed", id, {
          status: failure.nextAttemptAt === null ? "dead" : "pending",
          nextAttemptAt: failure.nextAttemptAt ?? now,
          lastErrorCode: failure.code,
          lastErrorMessage: failure.message,
          lockedUntil: null,
          updatedAt: now,
        }),
      ),
  };
}
