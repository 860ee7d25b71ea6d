import { and, asc, eq, inArray, isNotNull, isNull, lt } from "drizzle-orm";
import { z } from "zod";
import type { AuditEventClaims } from "#core/chat/alerts/stores.js";
import type { AppleAuditEvent } from "#core/ports/apple-directory.js";
import type { Database } from "../database.js";
import { appleAuditEvents } from "../schema/apple-audit-events.js";
import { attempt, chunk, invalidRow } from "./db-error.js";

const storedEvent = z.object({
  id: z.string().min(1),
  at: z.iso.datetime({ offset: true }).transform((text) => new Date(text)),
  type: z.string(),
  actorType: z.string(),
  actorName: z.string().nullable(),
  subjectType: z.string().nullable(),
  subjectName: z.string().nullable(),
  outcome: z.string(),
});

function toStored(event: AppleAuditEvent): z.input<typeof storedEvent> {
  return { ...event, at: event.at.toISOString() };
}

function fromStored(value: unknown): AppleAuditEvent {
  const parsed = storedEvent.safeParse(value);
  if (!parsed.success) throw invalidRow("read Apple audit event", parsed.error.issues[0]?.message ?? "invalid");
  return parsed.data;
}

/** rows per statement (7 parameters each, far below the 65,535 Postgres allows) */
const CHUNK = 1_000;

/** `apple_audit_events` of one connection behind the core's AuditEventClaims. */
export function createAuditEventClaims(db: Database, connectionId: string): AuditEventClaims {
  const mine = eq(appleAuditEvents.connectionId, connectionId);
  return {
    claim: (events, now) =>
      attempt("claim Apple audit events", async () => {
        const stored = new Set<string>();
        // one statement per batch: Postgres takes at most 65,535 parameters per statement
        for (const batch of chunk(events, CHUNK)) {
          const rows = await db
            .insert(appleAuditEvents)
            .values(
              batch.map((event) => ({
                connectionId,
                eventId: event.id,
                eventAt: event.at,
                event: toStored(event),
                alertedAt: null,
                createdAt: now,
                updatedAt: now,
              })),
            )
            .onConflictDoNothing({ target: [appleAuditEvents.connectionId, appleAuditEvents.eventId] })
            .returning({ id: appleAuditEvents.eventId });
          for (const row of rows) stored.add(row.id);
        }
        return events.filter((event) => stored.has(event.id));
      }),
    unconfirmed: (before) =>
      attempt("read unconfirmed Apple audit events", async () => {
        const rows = await db
          .select({ event: appleAuditEvents.event, claimedAt: appleAuditEvents.createdAt })
          .from(appleAuditEvents)
          .where(and(mine, isNull(appleAuditEvents.alertedAt), lt(appleAuditEvents.createdAt, before)))
          .orderBy(asc(appleAuditEvents.createdAt), asc(appleAuditEvents.eventAt), asc(appleAuditEvents.eventId));
        const batches = new Map<number, AppleAuditEvent[]>();
        for (const row of rows) {
          const batch = batches.get(row.claimedAt.getTime()) ?? [];
          batch.push(fromStored(row.event));
          batches.set(row.claimedAt.getTime(), batch);
        }
        return [...batches.values()];
      }),
    confirm: (ids, now) =>
      attempt("confirm Apple audit events", async () => {
        for (const batch of chunk(ids, CHUNK))
          await db
            .update(appleAuditEvents)
            .set({ alertedAt: now, updatedAt: now })
            .where(and(mine, inArray(appleAuditEvents.eventId, [...batch])));
      }),
    prune: (before) =>
      attempt("prune Apple audit events", async () => {
        const rows = await db
          .delete(appleAuditEvents)
          .where(and(mine, isNotNull(appleAuditEvents.alertedAt), lt(appleAuditEvents.eventAt, before)))
          .returning({ id: appleAuditEvents.eventId });
        return rows.length;
      }),
  };
}
