import { describe, expect, it } from "vitest";
import type { ApprovalPayload, Vote } from "#core/approvals/approval.js";
import type { ApprovalStore } from "#core/approvals/approval-store.js";
import type { AuditEntry } from "#core/audit.js";
import type { IncidentRecord } from "#core/chat/alerts/incidents.js";
import type { IncidentStore, NewOutboxEntry, OutboxStore } from "#core/chat/alerts/stores.js";
import { createIncidentStore } from "#db/repositories/alert-repository.js";
import { createApprovalStore } from "#db/repositories/approval-repository.js";
import { createAuditLog } from "#db/repositories/audit-repository.js";
import { createOutboxStore } from "#db/repositories/outbox-repository.js";
import { InMemoryIncidentStore, InMemoryOutboxStore } from "#test/support/alerts.js";
import { by, resultAudit, testIds } from "#test/support/approvals.js";
import { InMemoryApprovalStore, InMemoryAudit } from "#test/support/chat/fakes.js";
import { describeEachDatabase, expectOk, freshConnection } from "#test/support/db.js";

/**
 * One contract for each store port the core declares, run against the in-memory fakes the unit
 * tests use AND the database implementations (PGlite, and Postgres when TEST_DATABASE_URL is set),
 * so a fake can never promise what the database does not do. Each kit is one fresh connection.
 */
interface StoreKit {
  readonly approvals: ApprovalStore;
  /** the audit log the approval store writes to, oldest first */
  auditTrail(): Promise<readonly string[]>;
  readonly outbox: OutboxStore;
  /** `now` is what the store stamps on writes */
  incidents(now: () => Date): IncidentStore;
}

const auditLine = (e: Pick<AuditEntry, "command" | "target" | "outcome" | "detail">) =>
  `${e.command} ${e.target} ${e.outcome} ${e.detail}`;

const T0 = new Date("2026-03-01T10:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const vote = (actorId: string, decision: "approve" | "reject", minutes = 1): Vote => ({
  actorId,
  actorName: actorId,
  platform: "teams",
  decision,
  at: at(minutes),
});
const payload: ApprovalPayload = {
  kind: "entra_quarantine",
  jobId: "job",
  episodeBegan: "2026-03-01T09:00:00Z",
  runId: null,
  threshold: 500,
  count: 612,
  reason: "held",
};
const hold = (store: ApprovalStore, id: string, required: number, minutes = 0) =>
  store.hold({ id, payload, requestedBy: "system", requestedAt: at(minutes), expiresAt: at(minutes + 60) }, required);

const entry = (id: string, dedupKey: string, minutes = 0): NewOutboxEntry => ({
  id,
  platform: "slack",
  channelId: "C1",
  payload: { text: id },
  incidentKey: null,
  dedupKey,
  now: at(minutes),
});

const incident: IncidentRecord = {
  key: "failure:scim.conflict",
  kind: "failures",
  status: "open",
  title: "3 users conflict",
  openedAt: at(0),
  lastSeenAt: at(0),
  resolvedAt: null,
  occurrences: 1,
  count: 3,
  milestone: null,
  opening: 0,
};

function storeContract(newKit: () => Promise<StoreKit>): void {
  it("approvals: held once, listed, found pending", async () => {
    const { approvals } = await newKit();
    expect((await hold(approvals, "apr_1", 2)).created).toBe(true);
    const again = await hold(approvals, "apr_1", 5, 3);
    expect(again.created).toBe(false);
    expect(again.approval).toMatchObject({ id: "apr_1", status: "pending", requiredApprovals: 2, requestedAt: at(0) });
    await hold(approvals, "apr_2", 1, 1);
    expect((await approvals.pending())?.id).toBe("apr_2");
    expect((await approvals.list(10)).map((a) => a.id)).toEqual(["apr_2", "apr_1"]);
    expect(await approvals.get("apr_missing")).toBeNull();
    expect(await approvals.vote("apr_missing", vote("a", "approve"), at(1), by)).toBeNull();
  });

  it("approvals: one vote per person, the quorum transitions once, later votes find it closed", async () => {
    const { approvals } = await newKit();
    await hold(approvals, "apr_q", 2);
    expect(await approvals.vote("apr_q", vote("a", "approve"), at(1), by)).toMatchObject({
      outcome: "recorded",
      transitioned: false,
    });
    const twice = await approvals.vote("apr_q", vote("a", "approve", 2), at(2), by);
    expect(twice).toMatchObject({ outcome: "duplicate", transitioned: false });
    expect(twice?.approval.votes).toHaveLength(1);
    const second = await approvals.vote("apr_q", vote("b", "approve", 3), at(3), by);
    expect(second).toMatchObject({ outcome: "recorded", transitioned: true, approval: { status: "approved" } });
    expect(second?.approval.decidedAt).toEqual(at(3));
    expect(await approvals.vote("apr_q", vote("c", "reject", 4), at(4), by)).toMatchObject({ outcome: "closed" });
  });

  it("approvals: one reject closes; a rejected batch is never applied", async () => {
    const { approvals } = await newKit();
    await hold(approvals, "apr_r", 3);
    const rejected = await approvals.vote("apr_r", vote("a", "reject"), at(1), by);
    expect(rejected).toMatchObject({ outcome: "recorded", transitioned: true, approval: { status: "rejected" } });
    expect(await approvals.transition("apr_r", "approved", "applied", at(2))).toBe(false);
  });

  it("approvals: a vote at or after expiry records nothing and expires it", async () => {
    const { approvals } = await newKit();
    await hold(approvals, "apr_e", 1);
    const late = await approvals.vote("apr_e", vote("a", "approve", 60), at(60), by);
    expect(late).toMatchObject({ outcome: "expired", transitioned: false, approval: { status: "expired", votes: [] } });
    expect(await approvals.pending()).toBeNull();
  });

  it("approvals: approved → applied once, undone on failure; results and messages stored once", async () => {
    const { approvals } = await newKit();
    await hold(approvals, "apr_a", 1);
    await approvals.vote("apr_a", vote("a", "approve"), at(1), by);
    expect(await approvals.transition("apr_a", "approved", "applied", at(2))).toBe(true);
    expect(await approvals.transition("apr_a", "approved", "applied", at(2))).toBe(false);
    expect(await approvals.transition("apr_a", "applied", "approved", at(3))).toBe(true);
    const message = { platform: "slack", channelId: "C1", messageId: "1.2" } as const;
    await approvals.addMessage("apr_a", message, at(3));
    await approvals.addMessage("apr_a", message, at(3));
    const result = { status: "applied", counts: null, message: "done", at: at(4) } as const;
    await approvals.setResult("apr_a", result, at(4), resultAudit);
    expect(await approvals.get("apr_a")).toMatchObject({ status: "approved", messages: [message], result });
  });

  it("approvals: every vote and every result writes exactly one audit entry saying what happened", async () => {
    const { approvals, auditTrail } = await newKit();
    await hold(approvals, "apr_t", 2);
    await approvals.vote("apr_t", vote("a", "approve"), at(1), by);
    await approvals.vote("apr_t", vote("a", "approve", 2), at(2), by);
    await approvals.vote("apr_t", vote("b", "approve", 3), at(3), by);
    await approvals.vote("apr_t", vote("c", "reject", 4), at(4), by);
    await approvals.setResult("apr_t", { status: "applied", counts: null, message: "done", at: at(5) }, at(5), {
      ...resultAudit,
      target: "apr_t",
    });
    await hold(approvals, "apr_te", 1, 10);
    await approvals.vote("apr_te", vote("a", "approve", 70), at(70), by);
    expect(await approvals.vote("apr_missing", vote("a", "approve"), at(1), by)).toBeNull();
    expect(await auditTrail()).toEqual([
      "approval.approve apr_t counted 1 of 2",
      "approval.approve apr_t refused duplicate decision",
      "approval.approve apr_t counted decided: approved (2 of 2)",
      "approval.approve apr_t refused already approved",
      "approval.approve apr_t succeeded done",
      "approval.approve apr_te refused expired",
    ]);
  });

  it("outbox: deduplicated, claimed oldest first with the attempt counted, locked until claimed again", async () => {
    const { outbox } = await newKit();
    expect(expectOk(await outbox.enqueue(entry("o1", "k1", 0)))).toBe(true);
    expect(expectOk(await outbox.enqueue(entry("o1b", "k1", 0)))).toBe(false);
    expect(expectOk(await outbox.enqueue(entry("o2", "k2", 1)))).toBe(true);
    expect(expectOk(await outbox.enqueue(entry("o3", "k3", 5)))).toBe(true);
    const first = expectOk(await outbox.claimDue({ now: at(2), limit: 10, lockMs: 60_000 }));
    expect(first.map((e) => [e.id, e.attempts, e.status])).toEqual([
      ["o1", 1, "sending"],
      ["o2", 1, "sending"],
    ]);
    expect(first[0]?.payload).toEqual({ text: "o1" });
    // o1 and o2 are locked for a minute; o3 is not due before minute 5
    expect(expectOk(await outbox.claimDue({ now: at(2.5), limit: 10, lockMs: 60_000 }))).toEqual([]);
    expectOk(await outbox.markSent("o1", { platform: "slack", channelId: "C1", messageId: "9.9" }, at(3)));
    expectOk(
      await outbox.markFailed("o2", { code: "slack.rate_limited", message: "429", nextAttemptAt: at(10) }, at(3)),
    );
    expect(expectOk(await outbox.claimDue({ now: at(6), limit: 10, lockMs: 60_000 })).map((e) => e.id)).toEqual(["o3"]);
    // o3 was claimed and never finished (a crash): claimable again once the lock expired; o2 once due
    const later = expectOk(await outbox.claimDue({ now: at(11), limit: 10, lockMs: 60_000 }));
    // oldest due first: o3 was due at minute 5, o2 at minute 10
    expect(later.map((e) => [e.id, e.attempts])).toEqual([
      ["o3", 2],
      ["o2", 2],
    ]);
  });

  it("outbox: a dead message is never claimed again; an unknown id is not found", async () => {
    const { outbox } = await newKit();
    expectOk(await outbox.enqueue(entry("d1", "kd", 0)));
    expectOk(await outbox.claimDue({ now: at(1), limit: 10, lockMs: 1_000 }));
    expectOk(await outbox.markFailed("d1", { code: "slack.api_error", message: "gone", nextAttemptAt: null }, at(1)));
    expect(expectOk(await outbox.claimDue({ now: at(100), limit: 10, lockMs: 1_000 }))).toEqual([]);
    const unknown = await outbox.markSent("o_missing", null, at(1));
    expect(unknown.ok ? null : unknown.error.code).toBe("db.not_found");
  });

  it("incidents: saved by key, message refs once each, open ones listed, unknown keys not found", async () => {
    const { incidents } = await newKit();
    const store = incidents(() => at(0));
    expectOk(await store.save(incident));
    const ref = { platform: "teams", channelId: "19:x", messageId: "a1", opening: at(0).getTime() } as const;
    expectOk(await store.addMessageRef(incident.key, ref));
    expectOk(await store.addMessageRef(incident.key, ref));
    expectOk(await store.save({ ...incident, occurrences: 2, lastSeenAt: at(5) }));
    expect(expectOk(await store.get(incident.key))).toEqual({
      incident: { ...incident, occurrences: 2, lastSeenAt: at(5) },
      messageRefs: [ref],
    });
    expectOk(await store.save({ ...incident, key: "quarantine", kind: "quarantine", title: "q" }));
    expect(
      expectOk(await store.listOpen())
        .map((s) => s.incident.key)
        .sort(),
    ).toEqual([incident.key, "quarantine"]);
    expectOk(await store.save({ ...incident, status: "resolved", resolvedAt: at(9) }));
    expect(expectOk(await store.listOpen()).map((s) => s.incident.key)).toEqual(["quarantine"]);
    expect(expectOk(await store.get("nope"))).toBeNull();
    const missing = await store.addMessageRef("nope", ref);
    expect(missing.ok ? null : missing.error.code).toBe("db.not_found");
  });
}

describe("store contract [in memory: the fakes unit tests use]", () => {
  storeContract(async () => {
    const audit = new InMemoryAudit();
    return {
      approvals: new InMemoryApprovalStore(audit),
      auditTrail: async () => audit.entries.map(auditLine),
      outbox: new InMemoryOutboxStore(),
      incidents: () => new InMemoryIncidentStore(),
    };
  });
});

describeEachDatabase("store contract", (current) => {
  storeContract(async () => {
    const { db } = current();
    const connectionId = await freshConnection(db);
    return {
      approvals: createApprovalStore(db, connectionId, testIds),
      async auditTrail() {
        const lines = await createAuditLog(db, connectionId, () => T0, testIds).list();
        if (!lines.ok) throw lines.error;
        // newest first, by time then id: order by the time each entry carries, oldest first
        return [...lines.value].sort((x, y) => x.at.getTime() - y.at.getTime()).map(auditLine);
      },
      outbox: createOutboxStore(db, connectionId),
      incidents: (now) => createIncidentStore(db, connectionId, now),
    };
  });
});
