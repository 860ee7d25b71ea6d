import { eq } from "drizzle-orm";
import { expect, it } from "vitest";
import { createIncidentStore } from "#db/repositories/alert-repository.js";
import { createAlertRouteStore } from "#db/repositories/alert-route-repository.js";
import { createAuditLog } from "#db/repositories/audit-repository.js";
import { createConversationReferences } from "#db/repositories/conversation-repository.js";
import { createOutboxStore } from "#db/repositories/outbox-repository.js";
import { alertOutbox } from "#db/schema/alert-outbox.js";
import { describeEachDatabase, expectOk, freshConnection } from "#test/support/db.js";

const T0 = new Date("2026-03-01T10:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

describeEachDatabase("alert, outbox, conversation and audit stores", (current) => {
  it("alert routes are unique per channel and per connection", async () => {
    const { db } = current();
    const [a, b] = [await freshConnection(db), await freshConnection(db)];
    const routes = createAlertRouteStore(db, a, () => at(0));
    const slack = { platform: "slack", channelId: "C012345" } as const;
    expect(expectOk(await routes.set(slack, "all", "U1"))).toBe("added");
    expect(expectOk(await routes.set(slack, "all", "U2"))).toBe("unchanged");
    expect(expectOk(await routes.set({ platform: "teams", channelId: "19:abc@thread.tacv2" }, "all", "U1"))).toBe(
      "added",
    );
    expect(expectOk(await routes.list()).map((r) => `${r.platform}:${r.channelId}`)).toEqual([
      "slack:C012345",
      "teams:19:abc@thread.tacv2",
    ]);
    expect(expectOk(await createAlertRouteStore(db, b, () => at(0)).list())).toEqual([]);
    expect(expectOk(await routes.remove(slack))).toBe(true);
    expect(expectOk(await routes.remove(slack))).toBe(false);
  });

  it("alerts: one incident per key with counters and message references, per connection", async () => {
    const { db } = current();
    const [connectionId, stranger] = [await freshConnection(db), await freshConnection(db)];
    let now = at(0);
    const alerts = createIncidentStore(db, connectionId, () => now);
    const incident = {
      key: "failure:scim.conflict",
      kind: "failures",
      status: "open",
      title: "3 users conflict with Apple Accounts",
      occurrences: 1,
      count: 3,
      milestone: null,
      opening: 0,
      openedAt: at(0),
      lastSeenAt: at(0),
      resolvedAt: null,
    } as const;
    expectOk(await alerts.save(incident));
    const ref = { platform: "slack", channelId: "C1", messageId: "1.2", opening: at(0).getTime() } as const;
    now = at(1);
    expectOk(await alerts.addMessageRef(incident.key, ref));
    expectOk(await alerts.addMessageRef(incident.key, ref));
    now = at(60);
    expectOk(await alerts.save({ ...incident, occurrences: 2, count: 5, lastSeenAt: at(60) }));
    expect(expectOk(await alerts.get(incident.key))).toEqual({
      incident: { ...incident, occurrences: 2, count: 5, lastSeenAt: at(60) },
      messageRefs: [ref],
    });
    expect(expectOk(await alerts.listOpen()).map((a) => a.incident.key)).toEqual([incident.key]);
    expect(expectOk(await createIncidentStore(db, stranger, () => now).listOpen())).toEqual([]);
    expectOk(await alerts.save({ ...incident, status: "resolved", resolvedAt: at(90) }));
    expect(expectOk(await alerts.listOpen())).toEqual([]);
    expect(expectOk(await alerts.get(incident.key))?.incident.resolvedAt).toEqual(at(90));
    const missing = await alerts.addMessageRef("nope", ref);
    expect(missing.ok ? null : missing.error.code).toBe("db.not_found");
  });

  it("outbox: deduplicated enqueue, exclusive claims, retry back-off, dead letters and reclaim after a crash", async () => {
    const { db, other } = current();
    const connectionId = await freshConnection(db);
    const outbox = createOutboxStore(db, connectionId);
    const otherOutbox = createOutboxStore(other, connectionId);
    const message = (id: string, dedupKey: string) =>
      ({
        id: `${connectionId}_${id}`,
        platform: "slack",
        channelId: "C1",
        payload: { text: `hello ${id}` },
        incidentKey: "failure:x",
        dedupKey,
        now: at(0),
      }) as const;
    expect(expectOk(await outbox.enqueue(message("m1", "k1")))).toBe(true);
    expect(expectOk(await outbox.enqueue(message("m1b", "k1")))).toBe(false);
    for (const id of ["m2", "m3", "m4"]) expect(expectOk(await outbox.enqueue(message(id, `k-${id}`)))).toBe(true);
    const claims = (
      await Promise.all([
        outbox.claimDue({ now: at(1), limit: 3, lockMs: 30_000 }),
        otherOutbox.claimDue({ now: at(1), limit: 3, lockMs: 30_000 }),
      ])
    ).map(expectOk);
    const claimed = claims.flat().map((m) => m.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed).toHaveLength(4);
    const [m1, m2, m3] = [`${connectionId}_m1`, `${connectionId}_m2`, `${connectionId}_m3`];
    expectOk(await outbox.markSent(m1, { platform: "slack", channelId: "C1", messageId: "9.9" }, at(2)));
    expectOk(
      await outbox.markFailed(m2, { code: "slack.rate_limited", message: "429", nextAttemptAt: at(100) }, at(2)),
    );
    expectOk(
      await outbox.markFailed(m3, { code: "slack.channel_not_found", message: "gone", nextAttemptAt: null }, at(2)),
    );
    const rows = await db.select().from(alertOutbox).where(eq(alertOutbox.connectionId, connectionId));
    expect(rows.find((r) => r.id === m1)).toMatchObject({ status: "sent", attempts: 1, sentRef: { messageId: "9.9" } });
    expect(rows.find((r) => r.id === m3)).toMatchObject({ status: "dead", lastErrorCode: "slack.channel_not_found" });
    // m4 was claimed but never finished (crash): claimable again once its claim expires; m2 once due
    expect(expectOk(await outbox.claimDue({ now: at(10), limit: 10, lockMs: 30_000 }))).toEqual([]);
    const later = expectOk(await outbox.claimDue({ now: at(101), limit: 10, lockMs: 30_000 }));
    expect(later.map((m) => m.id).sort()).toEqual([m2, `${connectionId}_m4`]);
    expect(later.find((m) => m.id === m2)).toMatchObject({
      attempts: 2,
      status: "sending",
      payload: { text: "hello m2" },
    });
    const unknown = await outbox.markSent("out_missing", null, at(1));
    expect(unknown.ok ? null : unknown.error.code).toBe("db.not_found");
  });

  it("outbox: a worker claims and changes only its own connection's messages", async () => {
    const { db } = current();
    const [a, b] = [await freshConnection(db), await freshConnection(db)];
    const [mine, theirs] = [createOutboxStore(db, a), createOutboxStore(db, b)];
    const entry = (connection: string, n: number) =>
      ({
        id: `${connection}_o${n}`,
        platform: "teams",
        channelId: "19:c",
        payload: { n },
        incidentKey: null,
        dedupKey: `d${n}`,
        now: at(0),
      }) as const;
    for (const n of [1, 2]) {
      expectOk(await mine.enqueue(entry(a, n)));
      expectOk(await theirs.enqueue(entry(b, n)));
    }
    const claimed = expectOk(await mine.claimDue({ now: at(1), limit: 10, lockMs: 30_000 }));
    expect(claimed.map((m) => m.id).sort()).toEqual([`${a}_o1`, `${a}_o2`]);
    const left = await mine.markSent(`${b}_o1`, null, at(2));
    expect(left.ok ? null : left.error.code).toBe("db.not_found");
    expect(expectOk(await theirs.claimDue({ now: at(1), limit: 10, lockMs: 30_000 }))).toHaveLength(2);
  });

  it("conversations are upserted by conversation id; audit entries list newest first", async () => {
    const { db } = current();
    const connectionId = await freshConnection(db);
    const conversations = createConversationReferences(db, connectionId, () => at(0));
    const reference = { serviceUrl: "https://smba.example/", conversation: { id: "19:abc" }, bot: { id: "28:bot" } };
    await conversations.save("teams", "19:abc", reference);
    const updated = { ...reference, serviceUrl: "https://smba2.example/" };
    await conversations.save("teams", "19:abc", updated);
    expect(await conversations.load("19:abc")).toEqual(updated);
    expect(await conversations.load("19:none")).toBeNull();
    const elsewhere = createConversationReferences(db, await freshConnection(db), () => at(0));
    expect(await elsewhere.load("19:abc")).toBeNull();

    let now = at(0);
    let n = 0;
    const audit = createAuditLog(db, connectionId, () => now, { next: (prefix) => `${prefix}_${connectionId}_${++n}` });
    const entry = (note: string) =>
      ({
        actor: "U1",
        platform: "slack",
        command: "approval.approve",
        target: "apr_1",
        outcome: "succeeded",
        detail: note,
      }) as const;
    expectOk(await audit.record(entry("a1")));
    now = at(5);
    expectOk(await audit.record(entry("a2")));
    expect(expectOk(await audit.list()).map((e) => e.detail)).toEqual(["a2", "a1"]);
    expect(expectOk(await audit.list({ before: at(5) })).map((e) => [e.id, e.at])).toEqual([
      [`aud_${connectionId}_1`, at(0)],
    ]);
    const stranger = createAuditLog(db, await freshConnection(db), () => now, { next: () => "aud_x" });
    expect(expectOk(await stranger.list())).toEqual([]);
  });
});
