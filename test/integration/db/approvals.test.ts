import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { ApprovalPayload, Vote } from "#core/approvals/approval.js";
import type { ApprovalStore } from "#core/approvals/approval-store.js";
import type { Database } from "#db/database.js";
import { createApprovalStore } from "#db/repositories/approval-repository.js";
import { createAuditLog } from "#db/repositories/audit-repository.js";
import { by, resultAudit, testIds } from "#test/support/approvals.js";
import { describeEachDatabase, freshConnection, type TestDatabase } from "#test/support/db.js";

const T0 = new Date("2026-03-01T10:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const vote = (actorId: string, decision: "approve" | "reject", minutes = 1): Vote => ({
  actorId,
  actorName: actorId.toUpperCase(),
  platform: "slack",
  decision,
  at: at(minutes),
});

const removal = (n: number) => ({
  entraId: `e${n}`,
  scimId: `s${n}`,
  userName: `u${n}@contoso.com`,
  action: "deactivate" as const,
  reason: "left scope",
  dedupKey: `k${n}`,
  hash: `h${n}`,
});

const batch: ApprovalPayload = {
  kind: "native_batch",
  runId: "run_1",
  cycle: "incremental",
  scope: "assigned",
  threshold: 1,
  removals: [removal(1), removal(2)],
};

async function holdOne(db: Database, required: number, payload: ApprovalPayload = batch) {
  const connectionId = await freshConnection(db);
  const id = `apr_${randomBytes(6).toString("hex")}`;
  const store = createApprovalStore(db, connectionId, testIds);
  const held = await store.hold({ id, payload, requestedBy: "system", requestedAt: T0, expiresAt: at(60) }, required);
  return { id, connectionId, store, held };
}

/** Holds an approval and sends two votes at the same moment, one through each client. */
async function raceVotes({ db, other }: TestDatabase, required: number, first: Vote, second: Vote) {
  const { id, store, connectionId } = await holdOne(db, required);
  const otherStore = createApprovalStore(other, connectionId, testIds);
  const results = await Promise.all([store.vote(id, first, at(1), by), otherStore.vote(id, second, at(1), by)]);
  return { id, store, results: results.map((r) => r ?? expect.unreachable("approval missing")) };
}

describeEachDatabase("approval store", (current) => {
  it("holds once: a second hold returns the stored approval unchanged", async () => {
    const { db } = current();
    const { id, store, held } = await holdOne(db, 1);
    expect(held.created).toBe(true);
    const again = await store.hold(
      { id, payload: { ...batch, removals: [] }, requestedBy: "someone", requestedAt: at(5), expiresAt: at(90) },
      5,
    );
    expect(again.created).toBe(false);
    expect(again.approval).toMatchObject({ status: "pending", requiredApprovals: 1, payload: batch });
    expect((await store.pending())?.id).toBe(id);
    expect((await store.list(10)).map((a) => a.id)).toEqual([id]);
  });

  it("both engines' payloads round-trip; a payload that does not fit its schema is refused", async () => {
    const { db } = current();
    const quarantine: ApprovalPayload = {
      kind: "entra_quarantine",
      jobId: "Apple.abc",
      episodeBegan: "2026-03-01T09:00:00Z",
      runId: null,
      threshold: 500,
      count: 612,
      reason: "Entra quarantined the job",
    };
    const { store, held } = await holdOne(db, 2, quarantine);
    expect(held.approval.payload).toEqual(quarantine);
    const bad = store.hold(
      {
        id: "apr_bad",
        payload: { ...quarantine, count: "three" } as unknown as ApprovalPayload,
        requestedBy: "system",
        requestedAt: T0,
        expiresAt: at(60),
      },
      1,
    );
    await expect(bad).rejects.toMatchObject({ code: "db.invalid_row" });
  });

  it("every statement is bound to its connection: another connection sees nothing", async () => {
    const { db } = current();
    const { id } = await holdOne(db, 1);
    const stranger = createApprovalStore(db, await freshConnection(db), testIds);
    expect(await stranger.get(id)).toBeNull();
    expect(await stranger.pending()).toBeNull();
    expect(await stranger.vote(id, vote("U1", "approve"), at(1), by)).toBeNull();
    expect(await stranger.transition(id, "pending", "withdrawn", at(1))).toBe(false);
  });

  it("a vote and its audit row are one write: when the audit row is refused, the vote is not recorded either", async () => {
    const { db } = current();
    const { id, store, connectionId } = await holdOne(db, 1);
    // the database refuses text with a NUL: the audit insert fails after the vote's update succeeded
    const refused = store.vote(id, vote("U1", "approve"), at(1), { ...by, actor: "U\u0000bad" });
    await expect(refused).rejects.toMatchObject({ code: "db.query_failed" });
    expect(await store.get(id)).toMatchObject({ status: "pending", votes: [] });
    const trail = await createAuditLog(db, connectionId, () => T0, testIds).list();
    expect(trail.ok ? trail.value : trail.error).toEqual([]);
    // and a result is not stored without its audit row
    await store.vote(id, vote("U1", "approve"), at(1), by);
    const result = { status: "applied", counts: null, message: "done", at: at(2) } as const;
    await expect(store.setResult(id, result, at(2), { ...resultAudit, detail: "\u0000" })).rejects.toMatchObject({
      code: "db.query_failed",
    });
    expect((await store.get(id))?.result).toBeNull();
  });

  it("a single required approval flips to approved and reports the transition", async () => {
    const { db } = current();
    const { id, store } = await holdOne(db, 1);
    const result = await store.vote(id, vote("U1", "approve"), at(1), by);
    expect(result).toMatchObject({ outcome: "recorded", transitioned: true });
    expect(result?.approval.status).toBe("approved");
    expect(result?.approval.decidedAt).toEqual(at(1));
    expect(result?.approval.votes).toEqual([vote("U1", "approve")]);
    const late = await store.vote(id, vote("U2", "approve"), at(2), by);
    expect(late).toMatchObject({ outcome: "closed", transitioned: false });
    expect(late?.approval.votes).toHaveLength(1);
  });

  it("counts the same person once and needs two different people for required=2", async () => {
    const { db } = current();
    const { id, store } = await holdOne(db, 2);
    expect(await store.vote(id, vote("U1", "approve"), at(1), by)).toMatchObject({
      outcome: "recorded",
      transitioned: false,
    });
    const again = await store.vote(id, vote("U1", "approve", 2), at(2), by);
    expect(again).toMatchObject({ outcome: "duplicate", transitioned: false });
    expect(again?.approval.votes).toHaveLength(1);
    const second = await store.vote(id, vote("U2", "approve", 3), at(3), by);
    expect(second).toMatchObject({ outcome: "recorded", transitioned: true });
    expect(second?.approval.status).toBe("approved");
  });

  it("a reject flips to rejected at once, and a rejected approval is never applied", async () => {
    const { db } = current();
    const { id, store } = await holdOne(db, 2);
    await store.vote(id, vote("U1", "approve"), at(1), by);
    const rejected = await store.vote(id, vote("U2", "reject"), at(2), by);
    expect(rejected).toMatchObject({ outcome: "recorded", transitioned: true });
    expect(rejected?.approval.status).toBe("rejected");
    expect(await store.transition(id, "approved", "applied", at(3))).toBe(false);
  });

  it("an expired approval records nothing, answers expired and is never applied", async () => {
    const { db } = current();
    const { id, store } = await holdOne(db, 1);
    const result = await store.vote(id, vote("U1", "approve"), at(61), by);
    expect(result).toMatchObject({ outcome: "expired", transitioned: false });
    expect(result?.approval.status).toBe("expired");
    expect(result?.approval.votes).toEqual([]);
    expect(await store.transition(id, "approved", "applied", at(62))).toBe(false);
    expect((await store.vote(id, vote("U2", "approve"), at(63), by))?.outcome).toBe("expired");
  });

  it("approved → applied is a compare-and-set (once), and applied → approved undoes a failed execution", async () => {
    const { db, other } = current();
    const { id, store, connectionId } = await holdOne(db, 1);
    expect(await store.transition(id, "approved", "applied", at(1))).toBe(false);
    await store.vote(id, vote("U1", "approve"), at(1), by);
    const otherStore = createApprovalStore(other, connectionId, testIds);
    const claims = await Promise.all([
      store.transition(id, "approved", "applied", at(2)),
      otherStore.transition(id, "approved", "applied", at(2)),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await store.get(id))?.status).toBe("applied");
    expect(await store.transition(id, "applied", "approved", at(3))).toBe(true);
    expect((await store.get(id))?.status).toBe("approved");
  });

  it("stores the result and each posted message once; withdrawing closes a pending approval", async () => {
    const { db } = current();
    const { id, store } = await holdOne(db, 1);
    const ref = { platform: "slack", channelId: "C1", messageId: "1700000000.000100" } as const;
    await store.addMessage(id, ref, at(1));
    await store.addMessage(id, ref, at(1));
    await store.addMessage(id, { platform: "teams", channelId: "19:x@thread.tacv2", messageId: "a1" }, at(1));
    const counts = { created: 0, adopted: 0, updated: 0, deactivated: 3, deleted: 1, skipped: 0, failed: 0, held: 0 };
    await store.setResult(id, { status: "applied", counts, message: "done", at: at(2) }, at(2), resultAudit);
    expect(await store.transition(id, "pending", "withdrawn", at(3))).toBe(true);
    const stored = await store.get(id);
    expect(stored?.messages).toHaveLength(2);
    expect(stored?.result).toEqual({ status: "applied", counts, message: "done", at: at(2) });
    expect(stored?.status).toBe("withdrawn");
    expect(await store.pending()).toBeNull();
    expect(await store.vote("apr_missing", vote("U1", "approve"), at(1), by)).toBeNull();
  });

  it("migration 0002 turns the old shapes into the one model (native batches, entra batches opened by chat)", async () => {
    const { db } = current();
    const connectionId = await freshConnection(db);
    const old = { runId: "run_7", cycle: "incremental", scope: "all", threshold: 1, removals: [removal(1)] };
    const chat = { count: 612, users: [], reason: "Entra quarantined", runId: null, threshold: 500 };
    for (const [id, kind, payload] of [
      ["apr_old_native", "deletion_threshold", old],
      ["apr_old_entra", "chat_batch", chat],
    ] as const) {
      await db.execute(
        sql`insert into approvals (id, connection_id, kind, payload, status, required_approvals, decisions, requested_by, requested_at, expires_at, result, message_refs, created_at, updated_at)
            values (${id}, ${connectionId}, ${kind}, ${JSON.stringify(payload)}::jsonb, 'approved', 1,
              ${JSON.stringify([vote("U1", "approve")])}::jsonb, 'system', ${T0.toISOString()}, ${at(60).toISOString()},
              ${JSON.stringify({ status: "already_decided", counts: null, message: "m", at: T0.toISOString() })}::jsonb,
              ${JSON.stringify([
                { platform: "slack", channelId: "C1", messageId: "1.2" },
                { platform: "system", channelId: "x", messageId: "y" },
              ])}::jsonb,
              ${T0.toISOString()}, ${T0.toISOString()})`,
      );
    }
    const migration = await readFile(
      new URL("../../../db/migrations/0002_approval_model.sql", import.meta.url),
      "utf8",
    );
    for (const statement of migration.split("--> statement-breakpoint")) await db.execute(sql.raw(statement));
    const store: ApprovalStore = createApprovalStore(db, connectionId, testIds);
    const native = await store.get("apr_old_native");
    expect(native?.payload).toEqual({ kind: "native_batch", ...old });
    expect(native?.result?.status).toBe("applied");
    expect(native?.messages).toEqual([{ platform: "slack", channelId: "C1", messageId: "1.2" }]);
    const entra = await store.get("apr_old_entra");
    expect(entra?.payload).toMatchObject({ kind: "entra_quarantine", count: 612, threshold: 500, runId: null });
  });

  describe("races (two clients)", () => {
    it("two approvers racing on required=1: exactly one transitions", async () => {
      for (let round = 0; round < 5; round += 1) {
        const { id, store, results } = await raceVotes(current(), 1, vote("U1", "approve"), vote("U2", "approve"));
        expect(results.filter((r) => r.transitioned)).toHaveLength(1);
        expect(results.map((r) => r.outcome).sort()).toEqual(["closed", "recorded"]);
        const stored = await store.get(id);
        expect(stored?.status).toBe("approved");
        expect(stored?.votes).toHaveLength(1);
      }
    });

    it("two different approvers racing on required=2: both count, exactly one transitions", async () => {
      for (let round = 0; round < 5; round += 1) {
        const { id, store, results } = await raceVotes(current(), 2, vote("U1", "approve"), vote("U2", "approve"));
        expect(results.every((r) => r.outcome === "recorded")).toBe(true);
        expect(results.filter((r) => r.transitioned)).toHaveLength(1);
        const stored = await store.get(id);
        expect(stored?.status).toBe("approved");
        expect(stored?.votes.map((d) => d.actorId).sort()).toEqual(["U1", "U2"]);
      }
    });

    it("the same person clicking twice at once on required=2 counts once and does not approve", async () => {
      const { id, store, results } = await raceVotes(current(), 2, vote("U1", "approve"), vote("U1", "approve"));
      expect(results.map((r) => r.outcome).sort()).toEqual(["duplicate", "recorded"]);
      expect(results.some((r) => r.transitioned)).toBe(false);
      const stored = await store.get(id);
      expect(stored?.status).toBe("pending");
      expect(stored?.votes).toHaveLength(1);
    });

    it("reject racing approve: exactly one wins and the status matches the winner", async () => {
      for (let round = 0; round < 5; round += 1) {
        const { id, store, results } = await raceVotes(current(), 1, vote("U1", "approve"), vote("U2", "reject"));
        const winners = results.filter((r) => r.transitioned);
        expect(winners).toHaveLength(1);
        const stored = await store.get(id);
        expect(stored?.status).toBe(winners[0]?.approval.status);
        expect(stored?.votes).toHaveLength(1);
        expect(await store.transition(id, "approved", "applied", at(2))).toBe(stored?.status === "approved");
      }
    });
  });
});
