import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ApprovalVote } from "#core/ports/store/approval-store.js";
import { type JsonValue, jsonValueSchema } from "#core/ports/store/common.js";
import type { Database } from "#db/database.js";
import { createApprovalRepository } from "#db/repositories/approval-repository.js";
import { describeEachDatabase, expectOk, freshConnection, type TestDatabase } from "#test/support/db.js";

const T0 = new Date("2026-03-01T10:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const vote = (actorId: string, decision: "approve" | "reject", minutes = 1): ApprovalVote => ({
  actorId,
  actorName: actorId.toUpperCase(),
  platform: "slack",
  decision,
  at: at(minutes),
});

async function openApproval(db: Database, required: number, payload: JsonValue = { removals: ["u1", "u2"] }) {
  const connectionId = await freshConnection(db);
  const id = `apr_${randomBytes(6).toString("hex")}`;
  const store = createApprovalRepository(db, jsonValueSchema);
  expectOk(
    await store.open({
      id,
      connectionId,
      kind: "deletions",
      payload,
      requiredApprovals: required,
      requestedBy: "system",
      requestedAt: T0,
      expiresAt: at(60),
    }),
  );
  return { id, connectionId, store };
}

/** Opens an approval and sends two votes at the same moment, one through each client. */
async function raceVotes({ db, other }: TestDatabase, required: number, first: ApprovalVote, second: ApprovalVote) {
  const { id, store } = await openApproval(db, required);
  const otherStore = createApprovalRepository(other, jsonValueSchema);
  const results = (
    await Promise.all([
      store.recordDecision({ approvalId: id, vote: first, now: at(1) }),
      otherStore.recordDecision({ approvalId: id, vote: second, now: at(1) }),
    ])
  ).map(expectOk);
  return { id, store, results };
}

describeEachDatabase("approval store", (current) => {
  it("opens once and returns the stored approval on a second open", async () => {
    const { db } = current();
    const { id, connectionId, store } = await openApproval(db, 1);
    const again = expectOk(
      await store.open({
        id,
        connectionId,
        kind: "deletions",
        payload: { other: true },
        requiredApprovals: 5,
        requestedBy: "someone",
        requestedAt: at(5),
        expiresAt: at(90),
      }),
    );
    expect(again).toMatchObject({ status: "pending", requiredApprovals: 1, payload: { removals: ["u1", "u2"] } });
    expect(expectOk(await store.list(connectionId, { status: "pending" })).map((a) => a.id)).toEqual([id]);
  });

  it("validates the payload with the repository's schema on write", async () => {
    const { db } = current();
    const connectionId = await freshConnection(db);
    const { z } = await import("zod");
    const typed = createApprovalRepository(db, z.object({ count: z.number() }));
    const bad = await typed.open({
      id: "apr_bad",
      connectionId,
      kind: "deletions",
      payload: { count: "three" } as unknown as { count: number },
      requiredApprovals: 1,
      requestedBy: "system",
      requestedAt: T0,
      expiresAt: at(60),
    });
    expect(bad.ok ? null : bad.error.code).toBe("db.invalid_row");
  });

  it("a single required approval flips to approved and reports the transition", async () => {
    const { db } = current();
    const { id, store } = await openApproval(db, 1);
    const result = expectOk(await store.recordDecision({ approvalId: id, vote: vote("U1", "approve"), now: at(1) }));
    expect(result.outcome).toBe("recorded");
    expect(result.transitioned).toBe(true);
    expect(result.approval.status).toBe("approved");
    expect(result.approval.decidedAt).toEqual(at(1));
    expect(result.approval.decisions).toEqual([vote("U1", "approve")]);
    const late = expectOk(await store.recordDecision({ approvalId: id, vote: vote("U2", "approve"), now: at(2) }));
    expect(late).toMatchObject({ outcome: "closed", transitioned: false });
    expect(late.approval.decisions).toHaveLength(1);
  });

  it("counts the same approver once and needs two different approvers for required=2", async () => {
    const { db } = current();
    const { id, store } = await openApproval(db, 2);
    const first = expectOk(await store.recordDecision({ approvalId: id, vote: vote("U1", "approve"), now: at(1) }));
    expect(first).toMatchObject({ outcome: "recorded", transitioned: false });
    expect(first.approval.status).toBe("pending");
    const again = expectOk(await store.recordDecision({ approvalId: id, vote: vote("U1", "approve", 2), now: at(2) }));
    expect(again).toMatchObject({ outcome: "duplicate", transitioned: false });
    expect(again.approval.status).toBe("pending");
    expect(again.approval.decisions).toHaveLength(1);
    const second = expectOk(await store.recordDecision({ approvalId: id, vote: vote("U2", "approve", 3), now: at(3) }));
    expect(second).toMatchObject({ outcome: "recorded", transitioned: true });
    expect(second.approval.status).toBe("approved");
  });

  it("a reject flips to rejected at once", async () => {
    const { db } = current();
    const { id, store } = await openApproval(db, 2);
    expectOk(await store.recordDecision({ approvalId: id, vote: vote("U1", "approve"), now: at(1) }));
    const rejected = expectOk(await store.recordDecision({ approvalId: id, vote: vote("U2", "reject"), now: at(2) }));
    expect(rejected).toMatchObject({ outcome: "recorded", transitioned: true });
    expect(rejected.approval.status).toBe("rejected");
    expect(expectOk(await store.markApplied(id, at(3)))).toBe(false);
  });

  it("an expired approval records nothing, answers expired and is never applied", async () => {
    const { db } = current();
    const { id, store } = await openApproval(db, 1);
    const result = expectOk(await store.recordDecision({ approvalId: id, vote: vote("U1", "approve"), now: at(61) }));
    expect(result).toMatchObject({ outcome: "expired", transitioned: false });
    expect(result.approval.status).toBe("expired");
    expect(result.approval.decisions).toEqual([]);
    expect(expectOk(await store.markApplied(id, at(62)))).toBe(false);
    const again = expectOk(await store.recordDecision({ approvalId: id, vote: vote("U2", "approve"), now: at(63) }));
    expect(again.outcome).toBe("expired");
  });

  it("expire() only expires a pending approval past its expiry", async () => {
    const { db } = current();
    const { id, store } = await openApproval(db, 1);
    expect(expectOk(await store.expire(id, at(30)))).toBe(false);
    expect(expectOk(await store.expire(id, at(60)))).toBe(true);
    expect(expectOk(await store.expire(id, at(61)))).toBe(false);
    expect(expectOk(await store.get(id))?.status).toBe("expired");
  });

  it("markApplied is a compare-and-set: the batch is applied once", async () => {
    const { db, other } = current();
    const { id, store } = await openApproval(db, 1);
    expect(expectOk(await store.markApplied(id, at(1)))).toBe(false);
    expectOk(await store.recordDecision({ approvalId: id, vote: vote("U1", "approve"), now: at(1) }));
    const otherStore = createApprovalRepository(other, jsonValueSchema);
    const claims = await Promise.all([store.markApplied(id, at(2)), otherStore.markApplied(id, at(2))]);
    expect(claims.map(expectOk).filter(Boolean)).toHaveLength(1);
    const stored = expectOk(await store.get(id));
    expect(stored).toMatchObject({ status: "applied", appliedAt: at(2) });
  });

  it("stores the result, message references once each, and transitions by compare-and-set", async () => {
    const { db } = current();
    const { id, store } = await openApproval(db, 1);
    const ref = { platform: "slack", channelId: "C1", messageId: "1700000000.000100" } as const;
    expectOk(await store.addMessageRef(id, ref, at(1)));
    expectOk(await store.addMessageRef(id, ref, at(1)));
    expectOk(
      await store.addMessageRef(id, { platform: "teams", channelId: "19:x@thread.tacv2", messageId: "a1" }, at(1)),
    );
    const counts = { created: 0, adopted: 0, updated: 0, deactivated: 3, deleted: 1, skipped: 0, failed: 0, held: 0 };
    expectOk(await store.setResult(id, { status: "applied", counts, message: "done", at: at(2) }, at(2)));
    expect(expectOk(await store.transition({ approvalId: id, from: "approved", to: "applied", now: at(3) }))).toBe(
      false,
    );
    expect(expectOk(await store.transition({ approvalId: id, from: "pending", to: "rejected", now: at(3) }))).toBe(
      true,
    );
    const stored = expectOk(await store.get(id));
    expect(stored?.messageRefs).toHaveLength(2);
    expect(stored?.result).toEqual({ status: "applied", counts, message: "done", at: at(2) });
    expect(stored?.status).toBe("rejected");
    const missing = await store.addMessageRef("apr_missing", ref, at(1));
    expect(missing.ok ? null : missing.error.code).toBe("db.not_found");
    const unknown = await store.recordDecision({ approvalId: "apr_missing", vote: vote("U1", "approve"), now: at(1) });
    expect(unknown.ok ? null : unknown.error.code).toBe("db.not_found");
  });

  describe("races (two clients)", () => {
    it("two approvers racing on required=1: exactly one transitions", async () => {
      for (let round = 0; round < 5; round += 1) {
        const { id, store, results } = await raceVotes(current(), 1, vote("U1", "approve"), vote("U2", "approve"));
        expect(results.filter((r) => r.transitioned)).toHaveLength(1);
        expect(results.map((r) => r.outcome).sort()).toEqual(["closed", "recorded"]);
        const stored = expectOk(await store.get(id));
        expect(stored?.status).toBe("approved");
        expect(stored?.decisions).toHaveLength(1);
      }
    });

    it("two different approvers racing on required=2: both count, exactly one transitions", async () => {
      for (let round = 0; round < 5; round += 1) {
        const { id, store, results } = await raceVotes(current(), 2, vote("U1", "approve"), vote("U2", "approve"));
        expect(results.every((r) => r.outcome === "recorded")).toBe(true);
        expect(results.filter((r) => r.transitioned)).toHaveLength(1);
        const stored = expectOk(await store.get(id));
        expect(stored?.status).toBe("approved");
        expect(stored?.decisions.map((d) => d.actorId).sort()).toEqual(["U1", "U2"]);
      }
    });

    it("the same approver clicking twice at once on required=2 counts once and does not approve", async () => {
      const { id, store, results } = await raceVotes(current(), 2, vote("U1", "approve"), vote("U1", "approve"));
      expect(results.map((r) => r.outcome).sort()).toEqual(["duplicate", "recorded"]);
      expect(results.some((r) => r.transitioned)).toBe(false);
      const stored = expectOk(await store.get(id));
      expect(stored?.status).toBe("pending");
      expect(stored?.decisions).toHaveLength(1);
    });

    it("reject racing approve: exactly one wins and the status matches the winner", async () => {
      for (let round = 0; round < 5; round += 1) {
        const { id, store, results } = await raceVotes(current(), 1, vote("U1", "approve"), vote("U2", "reject"));
        const winners = results.filter((r) => r.transitioned);
        expect(winners).toHaveLength(1);
        const stored = expectOk(await store.get(id));
        expect(stored?.status).toBe(winners[0]?.approval.status);
        expect(stored?.decisions).toHaveLength(1);
        expect(expectOk(await store.markApplied(id, at(2)))).toBe(stored?.status === "approved");
      }
    });
  });
});
