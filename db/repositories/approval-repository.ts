import { and, desc, eq, gt, sql } from "drizzle-orm";
import { z } from "zod";
import {
  type Approval,
  type ApprovalStatus,
  approvalMessageSchema,
  approvalPayloadSchema,
  approvalResultSchema,
  type Vote,
  voteSchema,
} from "#core/approvals/approval.js";
import { type ApprovalStore, type VoteResult, voteAuditEntry } from "#core/approvals/approval-store.js";
import type { IdGenerator } from "#core/ids.js";
import type { Database } from "../database.js";
import { approvals } from "../schema/approvals.js";
import { insertAuditRow } from "./audit-repository.js";
import { attemptOrThrow, invalidRow } from "./db-error.js";

type Row = typeof approvals.$inferSelect;

const columnsSchema = z.object({
  status: z.enum(["pending", "approved", "applied", "rejected", "expired", "withdrawn"]),
  decisions: z.array(voteSchema),
  result: approvalResultSchema.nullable(),
  messageRefs: z.array(approvalMessageSchema),
});

function toApproval(row: Row): Approval {
  const columns = columnsSchema.safeParse(row);
  if (!columns.success) throw invalidRow("read approval", columns.error.issues[0]?.message ?? "invalid");
  const payload = approvalPayloadSchema.safeParse(row.payload);
  if (!payload.success || payload.data.kind !== row.kind)
    throw invalidRow(
      "read approval",
      `payload: ${payload.error?.issues[0]?.message ?? "kind differs from its column"}`,
    );
  return {
    id: row.id,
    status: columns.data.status,
    payload: payload.data,
    requiredApprovals: row.requiredApprovals,
    votes: columns.data.decisions,
    requestedBy: row.requestedBy,
    requestedAt: row.requestedAt,
    expiresAt: row.expiresAt,
    decidedAt: row.decidedAt,
    result: columns.data.result,
    messages: columns.data.messageRefs,
  };
}

/**
 * `approvals` of one connection behind the core's ApprovalStore; every statement filters by
 * connection, and a vote or a result is written in one transaction with its audit row.
 */
export function createApprovalStore(db: Database, connectionId: string, ids: IdGenerator): ApprovalStore {
  const mine = (id: string) => and(eq(approvals.id, id), eq(approvals.connectionId, connectionId));

  async function read(id: string, tx: Database = db): Promise<Approval | null> {
    const rows = await tx.select().from(approvals).where(mine(id));
    return rows[0] === undefined ? null : toApproval(rows[0]);
  }

  async function cas(
    id: string,
    from: ApprovalStatus,
    set: Partial<typeof approvals.$inferInsert>,
    tx: Database = db,
  ): Promise<boolean> {
    const rows = await tx
      .update(approvals)
      .set(set)
      .where(and(mine(id), eq(approvals.status, from)))
      .returning({ id: approvals.id });
    return rows.length === 1;
  }

  /** the vote's compare-and-set and what it found, inside the caller's transaction */
  async function castVote(tx: Database, id: string, vote: Vote, now: Date): Promise<VoteResult | null> {
    const stored = JSON.stringify([{ ...voteSchema.parse(vote), at: vote.at.toISOString() }]);
    const approves = sql`(select count(*) from jsonb_array_elements(${approvals.decisions}) as d where d->>'decision' = 'approve')`;
    const nextStatus =
      vote.decision === "reject"
        ? sql`'rejected'`
        : sql`(case when ${approves} + 1 >= ${approvals.requiredApprovals} then 'approved' else 'pending' end)`;
    // One statement: Postgres re-checks the WHERE on the row another voter just changed, so
    // exactly one caller moves it out of pending and nobody votes twice.
    const rows = await tx
      .update(approvals)
      .set({
        decisions: sql`${approvals.decisions} || ${stored}::jsonb`,
        status: sql`${nextStatus}`,
        decidedAt: sql`(case when ${nextStatus} = 'pending' then null else ${now.toISOString()}::timestamptz end)`,
        updatedAt: now,
      })
      .where(
        and(
          mine(id),
          eq(approvals.status, "pending"),
          gt(approvals.expiresAt, now),
          sql`not (${approvals.decisions} @> ${JSON.stringify([{ actorId: vote.actorId }])}::jsonb)`,
        ),
      )
      .returning();
    const updated = rows[0];
    if (updated !== undefined) {
      const approval = toApproval(updated);
      return { outcome: "recorded", transitioned: approval.status !== "pending", approval };
    }
    const current = await read(id, tx);
    if (current === null) return null;
    if (current.votes.some((v) => v.actorId === vote.actorId))
      return { outcome: "duplicate", transitioned: false, approval: current };
    if (current.status === "pending" && current.expiresAt.getTime() <= now.getTime()) {
      await cas(id, "pending", { status: "expired", decidedAt: now, updatedAt: now }, tx);
      return { outcome: "expired", transitioned: false, approval: (await read(id, tx)) ?? current };
    }
    return { outcome: current.status === "expired" ? "expired" : "closed", transitioned: false, approval: current };
  }

  return {
    hold: (request, requiredApprovals) =>
      attemptOrThrow("hold approval", async () => {
        const parsed = approvalPayloadSchema.safeParse(request.payload);
        if (!parsed.success)
          throw invalidRow("hold approval", `payload: ${parsed.error.issues[0]?.message ?? "invalid"}`);
        const payload = parsed.data;
        const inserted = await db
          .insert(approvals)
          .values({
            id: request.id,
            connectionId,
            kind: payload.kind,
            payload,
            status: "pending",
            requiredApprovals: Math.max(1, Math.floor(requiredApprovals)),
            decisions: [],
            messageRefs: [],
            requestedBy: request.requestedBy,
            requestedAt: request.requestedAt,
            expiresAt: request.expiresAt,
            createdAt: request.requestedAt,
            updatedAt: request.requestedAt,
          })
          .onConflictDoNothing({ target: approvals.id })
          .returning({ id: approvals.id });
        const approval = await read(request.id);
        if (approval === null) throw invalidRow("hold approval", `id ${request.id} belongs to another connection`);
        return { approval, created: inserted.length === 1 };
      }),

    get: (id) => attemptOrThrow("read approval", () => read(id)),

    pending: () =>
      attemptOrThrow("read pending approval", async () => {
        const rows = await db
          .select()
          .from(approvals)
          .where(and(eq(approvals.connectionId, connectionId), eq(approvals.status, "pending")))
          .orderBy(desc(approvals.requestedAt), desc(approvals.id))
          .limit(1);
        return rows[0] === undefined ? null : toApproval(rows[0]);
      }),

    list: (limit) =>
      attemptOrThrow("list approvals", async () => {
        const rows = await db
          .select()
          .from(approvals)
          .where(eq(approvals.connectionId, connectionId))
          .orderBy(desc(approvals.requestedAt), desc(approvals.id))
          .limit(limit);
        return rows.map(toApproval);
      }),

    vote: (id, vote, now, by) =>
      attemptOrThrow("record approval vote", () =>
        db.transaction(async (tx) => {
          const result = await castVote(tx, id, vote, now);
          if (result !== null)
            await insertAuditRow(tx, connectionId, ids.next("aud"), voteAuditEntry(by, result, now), now);
          return result;
        }),
      ),

    transition: (id, from, to, now) =>
      attemptOrThrow("change approval status", () =>
        cas(id, from, {
          status: to,
          updatedAt: now,
          ...(to === "applied" ? { appliedAt: now } : {}),
          ...(from === "applied" ? { appliedAt: null } : {}),
          ...(from === "pending" ? { decidedAt: now } : {}),
        }),
      ),

    setResult: (id, result, now, audit) =>
      attemptOrThrow("save approval result", () =>
        db.transaction(async (tx) => {
          const value = approvalResultSchema.parse(result);
          const rows = await tx
            .update(approvals)
            .set({ result: { ...value, at: value.at.toISOString() }, updatedAt: now })
            .where(mine(id))
            .returning({ id: approvals.id });
          if (rows.length === 0) throw invalidRow("save approval result", `no approval ${id}`);
          await insertAuditRow(tx, connectionId, ids.next("aud"), audit, now);
        }),
      ),

    addMessage: (id, message, now) =>
      attemptOrThrow("add approval message", async () => {
        const value = approvalMessageSchema.parse(message);
        await db
          .update(approvals)
          .set({ messageRefs: sql`${approvals.messageRefs} || ${JSON.stringify([value])}::jsonb`, updatedAt: now })
          .where(and(mine(id), sql`not (${approvals.messageRefs} @> ${JSON.stringify([value])}::jsonb)`));
      }),
  };
}
