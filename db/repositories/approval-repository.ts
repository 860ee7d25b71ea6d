import { and, desc, eq, gt, lte, sql } from "drizzle-orm";
import { z } from "zod";
import {
  type ApprovalRecord,
  type ApprovalStore,
  approvalResultSchema,
  approvalVoteSchema,
  type DecisionResult,
} from "#core/ports/store/approval-store.js";
import { type MessageRefRecord, messageRefSchema } from "#core/ports/store/common.js";
import type { Database } from "../database.js";
import { approvals } from "../schema/approvals.js";
import { attempt, invalidRow, notFound } from "./db-error.js";

type Row = typeof approvals.$inferSelect;

const columnsSchema = z.object({
  status: z.enum(["pending", "approved", "rejected", "expired", "applied"]),
  decisions: z.array(approvalVoteSchema),
  result: approvalResultSchema.nullable(),
  messageRefs: z.array(messageRefSchema),
});

/**
 * `approvals` behind the ApprovalStore port. `payloadSchema` validates the payload on every write
 * and read (pass `jsonValueSchema` for untyped payloads); it must accept what JSON gives back
 * (dates arrive as ISO strings: use `z.coerce.date()`).
 */
export function createApprovalRepository<P>(db: Database, payloadSchema: z.ZodType<P>): ApprovalStore<P> {
  function toRecord(row: Row): ApprovalRecord<P> {
    const columns = columnsSchema.safeParse(row);
    if (!columns.success) throw invalidRow("read approval", columns.error.issues[0]?.message ?? "invalid");
    const payload = payloadSchema.safeParse(row.payload);
    if (!payload.success)
      throw invalidRow("read approval", `payload: ${payload.error.issues[0]?.message ?? "invalid"}`);
    return {
      id: row.id,
      connectionId: row.connectionId,
      kind: row.kind,
      payload: payload.data,
      status: columns.data.status,
      requiredApprovals: row.requiredApprovals,
      decisions: columns.data.decisions,
      requestedBy: row.requestedBy,
      requestedAt: row.requestedAt,
      expiresAt: row.expiresAt,
      decidedAt: row.decidedAt,
      appliedAt: row.appliedAt,
      result: columns.data.result,
      messageRefs: columns.data.messageRefs,
    };
  }

  async function read(id: string): Promise<ApprovalRecord<P> | null> {
    const rows = await db.select().from(approvals).where(eq(approvals.id, id));
    return rows[0] === undefined ? null : toRecord(rows[0]);
  }

  async function mustRead(operation: string, id: string): Promise<ApprovalRecord<P>> {
    const record = await read(id);
    if (record === null) throw notFound(operation, "approval", id);
    return record;
  }

  async function cas(id: string, from: string, set: Partial<typeof approvals.$inferInsert>, extra = sql`true`) {
    const rows = await db
      .update(approvals)
      .set(set)
      .where(and(eq(approvals.id, id), eq(approvals.status, from), extra))
      .returning({ id: approvals.id });
    return rows.length === 1;
  }

  return {
    open: (input) =>
      attempt("open approval", async () => {
        const payload = payloadSchema.safeParse(input.payload);
        if (!payload.success)
          throw invalidRow("open approval", `payload: ${payload.error.issues[0]?.message ?? "invalid"}`);
        await db
          .insert(approvals)
          .values({
            ...input,
            payload: payload.data,
            status: "pending",
            decisions: [],
            messageRefs: [],
            createdAt: input.requestedAt,
            updatedAt: input.requestedAt,
          })
          .onConflictDoNothing({ target: approvals.id });
        return mustRead("open approval", input.id);
      }),
    get: (id) => attempt("read approval", () => read(id)),
    list: (connectionId, options = {}) =>
      attempt("list approvals", async () => {
        const conditions = [eq(approvals.connectionId, connectionId)];
        if (options.status !== undefined) conditions.push(eq(approvals.status, options.status));
        const rows = await db
          .select()
          .from(approvals)
          .where(and(...conditions))
          .orderBy(desc(approvals.requestedAt), desc(approvals.id))
          .limit(options.limit ?? 100);
        return rows.map(toRecord);
      }),
    recordDecision: ({ approvalId, vote, now }) =>
      attempt("record approval decision", async (): Promise<DecisionResult<P>> => {
        const stored = JSON.stringify([{ ...approvalVoteSchema.parse(vote), at: vote.at.toISOString() }]);
        const approves = sql`(select count(*) from jsonb_array_elements(${approvals.decisions}) as d where d->>'decision' = 'approve')`;
        const nextStatus =
          vote.decision === "reject"
            ? sql`'rejected'`
            : sql`(case when ${approves} + 1 >= ${approvals.requiredApprovals} then 'approved' else 'pending' end)`;
        // One statement: Postgres re-checks the WHERE on the row another voter just changed, so
        // exactly one caller moves it out of pending and nobody votes twice.
        const rows = await db
          .update(approvals)
          .set({
            decisions: sql`${approvals.decisions} || ${stored}::jsonb`,
            status: sql`${nextStatus}`,
            decidedAt: sql`(case when ${nextStatus} = 'pending' then null else ${now.toISOString()}::timestamptz end)`,
            updatedAt: now,
          })
          .where(
            and(
              eq(approvals.id, approvalId),
              eq(approvals.status, "pending"),
              gt(approvals.expiresAt, now),
              sql`not (${approvals.decisions} @> ${JSON.stringify([{ actorId: vote.actorId }])}::jsonb)`,
            ),
          )
          .returning();
        const updated = rows[0];
        if (updated !== undefined) {
          const approval = toRecord(updated);
          return { outcome: "recorded", transitioned: approval.status !== "pending", approval };
        }
        const current = await mustRead("record approval decision", approvalId);
        if (current.decisions.some((d) => d.actorId === vote.actorId)) {
          return { outcome: "duplicate", transitioned: false, approval: current };
        }
        if (current.status === "pending" && current.expiresAt.getTime() <= now.getTime()) {
          await cas(approvalId, "pending", { status: "expired", decidedAt: now, updatedAt: now });
          return { outcome: "expired", transitioned: false, approval: await mustRead("expire approval", approvalId) };
        }
        return { outcome: current.status === "expired" ? "expired" : "closed", transitioned: false, approval: current };
      }),
    markApplied: (approvalId, now) =>
      attempt("mark approval applied", () =>
        cas(approvalId, "approved", { status: "applied", appliedAt: now, updatedAt: now }),
      ),
    expire: (approvalId, now) =>
      attempt("expire approval", () =>
        cas(
          approvalId,
          "pending",
          { status: "expired", decidedAt: now, updatedAt: now },
          lte(approvals.expiresAt, now),
        ),
      ),
    transition: ({ approvalId, from, to, now }) =>
      attempt("change approval status", () =>
        cas(approvalId, from, {
          status: to,
          updatedAt: now,
          ...(to === "applied" ? { appliedAt: now } : {}),
          ...(from === "pending" ? { decidedAt: now } : {}),
        }),
      ),
    setResult: (approvalId, result, now) =>
      attempt("save approval result", async () => {
        const rows = await db
          .update(approvals)
          .set({ result: { ...result, at: result.at.toISOString() }, updatedAt: now })
          .where(eq(approvals.id, approvalId))
          .returning({ id: approvals.id });
        if (rows.length === 0) throw notFound("save approval result", "approval", approvalId);
      }),
    addMessageRef: (approvalId, ref, now) =>
      attempt("add approval message", async () => {
        const value: MessageRefRecord = messageRefSchema.parse(ref);
        const rows = await db
          .update(approvals)
          .set({ messageRefs: sql`${approvals.messageRefs} || ${JSON.stringify([value])}::jsonb`, updatedAt: now })
          .where(
            and(eq(approvals.id, approvalId), sql`not (${approvals.messageRefs} @> ${JSON.stringify([value])}::jsonb)`),
          )
          .returning({ id: approvals.id });
        if (rows.length === 0) await mustRead("add approval message", approvalId);
      }),
  };
}
