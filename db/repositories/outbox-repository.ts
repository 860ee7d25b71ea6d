import { and, asc, eq, inArray, lte, or, sql } from "drizzle-orm";
import { z } from "zod";
import { jsonValueSchema, messageRefSchema, storedPlatformSchema } from "#core/ports/store/common.js";
import type { OutboxRecord, OutboxStore } from "#core/ports/store/outbox-store.js";
import type { Database } from "../database.js";
import { alertOutbox } from "../schema/alert-outbox.js";
import { attempt, invalidRow, notFound } from "./db-error.js";

type Row = typeof alertOutbox.$inferSelect;

const columnsSchema = z.object({
  platform: storedPlatformSchema,
  payload: jsonValueSchema,
  threadParent: messageRefSchema.nullable(),
  sentRef: messageRefSchema.nullable(),
  status: z.enum(["pending", "sending", "sent", "dead"]),
});

function toRecord(row: Row): OutboxRecord {
  const parsed = columnsSchema.safeParse(row);
  if (!parsed.success) throw invalidRow("read outbox message", parsed.error.issues[0]?.message ?? "invalid");
  return {
    id: row.id,
    connectionId: row.connectionId,
    platform: parsed.data.platform,
    channelId: row.channelId,
    payload: parsed.data.payload,
    incidentKey: row.incidentKey,
    threadParent: parsed.data.threadParent,
    dedupKey: row.dedupKey,
    status: parsed.data.status,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    lastError: row.lastErrorCode === null ? null : { code: row.lastErrorCode, message: row.lastErrorMessage ?? "" },
    sentRef: parsed.data.sentRef,
    createdAt: row.createdAt,
  };
}

/** `alert_outbox` behind the OutboxStore port. */
export function createOutboxRepository(db: Database): OutboxStore {
  async function change(operation: string, id: string, set: Partial<typeof alertOutbox.$inferInsert>) {
    const rows = await db.update(alertOutbox).set(set).where(eq(alertOutbox.id, id)).returning({ id: alertOutbox.id });
    if (rows.length === 0) throw notFound(operation, "outbox message", id);
  }

  return {
    enqueue: (message) =>
      attempt("enqueue chat message", async () => {
        const rows = await db
          .insert(alertOutbox)
          .values({
            id: message.id,
            connectionId: message.connectionId,
            platform: message.platform,
            channelId: message.channelId,
            payload: jsonValueSchema.parse(message.payload),
            incidentKey: message.incidentKey ?? null,
            threadParent: message.threadParent ?? null,
            dedupKey: message.dedupKey ?? null,
            status: "pending",
            nextAttemptAt: message.now,
            createdAt: message.now,
            updatedAt: message.now,
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
            or(
              and(eq(alertOutbox.status, "pending"), lte(alertOutbox.nextAttemptAt, now)),
              and(eq(alertOutbox.status, "sending"), lte(alertOutbox.lockedUntil, now)),
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
        return rows.map(toRecord).sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime());
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
    get: (id) =>
      attempt("read outbox message", async () => {
        const rows = await db.select().from(alertOutbox).where(eq(alertOutbox.id, id));
        return rows[0] === undefined ? null : toRecord(rows[0]);
      }),
  };
}
