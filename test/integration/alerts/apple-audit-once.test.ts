import { afterAll, beforeAll, expect, it } from "vitest";
import { createAlertDispatcher } from "#app/alerts/dispatcher.js";
import { parseOutboxPayload } from "#app/alerts/outbox-payload.js";
import { createAppleAuditWorker } from "#app/apple-audit-worker.js";
import { createAuditCursor } from "#core/chat/alerts/audit-cursor.js";
import type { AlertRoute } from "#core/chat/alerts/stores.js";
import { systemClock } from "#core/clock.js";
import { AppError } from "#core/errors.js";
import { randomIds } from "#core/ids.js";
import { silentLogger } from "#core/logger.js";
import type { AppleAuditEvent } from "#core/ports/apple-directory.js";
import { err } from "#core/result.js";
import { createIncidentStore } from "#db/repositories/alert-repository.js";
import { createAuditEventClaims } from "#db/repositories/apple-audit-repository.js";
import { connectionLeases } from "#db/repositories/lease-repository.js";
import { createOutboxStore } from "#db/repositories/outbox-repository.js";
import { createNamedValueStore } from "#db/repositories/watermark-repository.js";
import { type AppleBusinessEmulator, startAppleBusinessEmulator } from "#emulators/apple-business/server.js";
import { StaticAlertRoutes } from "#test/support/alerts.js";
import { appleClientFor, auditEvent } from "#test/support/apple.js";
import { LINKS } from "#test/support/chat/harness.js";
import { describeEachDatabase, expectOk, freshConnection } from "#test/support/db.js";

/**
 * Two replicas poll the same Apple audit log (the emulator, through the real client) into one
 * database, at the same time and one after the other, with overlapping windows, a late event, and a
 * poll that stopped after claiming: every alert-worthy event reaches each subscribed channel in
 * exactly one message, nothing else is alerted, and channels not subscribed to `apple` get nothing.
 */
const ROUTES: AlertRoute[] = [
  { platform: "slack", channelId: "CAPPLE", kinds: ["apple"], setBy: "UOPS", setAt: null },
  { platform: "teams", channelId: "19:apple@thread.tacv2", kinds: "all", setBy: null, setAt: null },
  { platform: "slack", channelId: "CERRORS", kinds: ["errors"], setBy: "UOPS", setAt: null },
];

let emulator: AppleBusinessEmulator;
beforeAll(async () => {
  emulator = await startAppleBusinessEmulator();
});
afterAll(async () => {
  await emulator.close();
});

async function addEvent(body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${emulator.apiUrl.replace(/\/v1$/, "")}/_emulator/auditEvents`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
}

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describeEachDatabase("Apple audit events become alerts once across replicas", (current) => {
  it("alerts each event once per subscribed channel, whatever replica reads it and however often", async () => {
    const { db } = current();
    const connectionId = await freshConnection(db);
    await fetch(`${emulator.apiUrl.replace(/\/v1$/, "")}/_emulator/reset`, { method: "POST" });
    const outbox = createOutboxStore(db, connectionId);
    const claims = createAuditEventClaims(db, connectionId);
    const replica = (name: string) => {
      const dispatcher = createAlertDispatcher({
        incidents: createIncidentStore(db, connectionId, () => new Date()),
        outbox,
        routes: new StaticAlertRoutes(ROUTES),
        config: { links: LINKS },
        clock: systemClock,
        ids: randomIds,
        logger: silentLogger,
      });
      return createAppleAuditWorker({
        log: appleClientFor(emulator),
        claims,
        cursor: createAuditCursor(createNamedValueStore(db, connectionId, () => new Date())),
        leases: connectionLeases(db, connectionId),
        holderId: `replica-${name}`,
        dispatch: (event) => dispatcher.dispatch(event),
        clock: systemClock,
        logger: silentLogger,
      });
    };
    const a = replica("a");
    const b = replica("b");

    // 1. the first events; both replicas poll at once: one holds the lease, the other skips
    await addEvent({
      eventDateTime: ago(20),
      type: "ACCOUNT_ADDED",
      actorType: "USER",
      actorName: "Ada",
      subjectName: "hand.made1@contoso.com",
    });
    await addEvent({
      eventDateTime: ago(19),
      type: "DOMAIN_REMOVED",
      actorType: "USER",
      actorName: "Ada",
      subjectName: "old.contoso.com",
    });
    await addEvent({
      eventDateTime: ago(18),
      type: "DEVICE_ADDED_TO_ORG",
      actorType: "SYSTEM",
      subjectName: "device-not-an-alert",
    });
    await addEvent({
      eventDateTime: ago(17),
      type: "ACCOUNT_ADDED",
      actorType: "SYSTEM",
      subjectName: "synced-not-an-alert@contoso.com",
    });
    const both = await Promise.all([a.tick(), b.tick()]);
    const polls = both.map(expectOk);
    expect(polls.filter((p) => p.polled).length).toBeGreaterThanOrEqual(1);
    // 2. each polls again: the overlapping window reads the same events, nothing is new
    for (const worker of [a, b, a]) {
      const again = expectOk(await worker.tick());
      expect(again.polled && again.handed).toBe(0);
    }

    // 3. new events, one of them listed late (dated before the last poll, inside the overlap)
    await addEvent({
      eventDateTime: ago(1),
      type: "ACCOUNT_DELETED",
      actorType: "USER",
      actorName: "Bob",
      subjectName: "hand.made2@contoso.com",
    });
    await addEvent({
      eventDateTime: ago(3),
      type: "API_ACCOUNT_KEY_REVOKED",
      actorType: "USER",
      actorName: "Bob",
      subjectName: "late-mdm-key",
    });
    // a NUL in a name (Postgres refuses it in jsonb) is spelled out, not a poll that fails forever
    await addEvent({
      eventDateTime: ago(2),
      type: "ACCOUNT_DELETED",
      actorType: "USER",
      actorName: "Mal\u0000lory",
      subjectName: "nul\u0000byte@contoso.com",
    });
    await addEvent({
      eventDateTime: ago(2),
      type: "DEVICE_IS_ERASED",
      actorType: "USER",
      outcome: "FAILURE",
      subjectName: "failed-erase",
    });
    await Promise.all([b.tick(), a.tick()]);
    expectOk(await a.tick());

    // 4. a poll that claimed an event and stopped before alerting it (11 minutes ago)
    const stranded = auditEvent("stranded-1", new Date(ago(12)), {
      type: "ACCOUNT_ROLE_LOCATION_CHANGED",
      actorName: "Eve",
      subjectName: "stranded-role@contoso.com",
    });
    expect(expectOk(await claims.claim([stranded], new Date(Date.now() - 11 * 60_000)))).toHaveLength(1);
    const recovered = expectOk(await b.tick());
    expect(recovered.polled && recovered.handed).toBe(1);
    expect(expectOk(await a.tick()).polled && true).toBe(true);

    // 5. two replicas claiming the same events at the same moment (a lapsed lease): each id once
    const same: AppleAuditEvent[] = ["c1", "c2", "c3"].map((id) => ({ ...stranded, id }));
    const [mine, theirs] = await Promise.all([claims.claim(same, new Date()), claims.claim(same, new Date())]);
    const claimedIds = [...expectOk(mine), ...expectOk(theirs)].map((e) => e.id).sort();
    expect(claimedIds).toEqual(["c1", "c2", "c3"]);

    const queued = expectOk(await outbox.claimDue({ now: new Date(Date.now() + 60_000), limit: 500, lockMs: 60_000 }));
    const textsIn = (channelId: string) =>
      queued
        .filter((entry) => entry.channelId === channelId)
        .flatMap((entry) => {
          const payload = parseOutboxPayload(entry.payload);
          if (payload === null || payload.kind === "refresh_approval") throw new Error("unexpected payload");
          // parents are edited with the latest events: the messages that ADD events are parents and threads
          return payload.kind === "edit_parent" ? [] : [JSON.stringify(payload.reply.blocks)];
        });
    const alerted = [
      "hand.made1@contoso.com",
      "old.contoso.com",
      "hand.made2@contoso.com",
      "late-mdm-key",
      "failed-erase",
      "stranded-role@contoso.com",
      "nulU+0000byte@contoso.com", // the NUL spelled out as [U+0000]; plain() drops the brackets
    ];
    for (const channel of ["CAPPLE", "19:apple@thread.tacv2"]) {
      const texts = textsIn(channel);
      for (const name of alerted)
        expect([channel, name, texts.filter((t) => t.includes(name)).length]).toEqual([channel, name, 1]);
      expect(texts.some((t) => t.includes("not-an-alert"))).toBe(false);
    }
    expect(textsIn("CERRORS")).toEqual([]);
  });

  it("claims, confirms and prunes thousands of events at once (a week's catch-up: more rows than one Postgres statement takes)", async () => {
    const { db } = current();
    const claims = createAuditEventClaims(db, await freshConnection(db));
    const at = new Date("2026-12-01T00:00:00Z");
    const many: AppleAuditEvent[] = Array.from({ length: 10_000 }, (_, i) => ({
      id: `bulk-${i}`,
      at: new Date(at.getTime() + i * 1_000),
      type: "ACCOUNT_ADDED",
      actorType: "USER",
      actorName: "Bulk Admin",
      subjectType: "USER",
      subjectName: `bulk${i}@contoso.com`,
      outcome: "SUCCESS",
    }));
    expect(expectOk(await claims.claim(many, at))).toHaveLength(10_000);
    expect(expectOk(await claims.claim(many, at))).toHaveLength(0);
    const later = new Date(at.getTime() + 86_400_000);
    const batches = expectOk(await claims.unconfirmed(later));
    expect(batches.map((batch) => batch.length)).toEqual([10_000]); // one claim, one batch
    expectOk(
      await claims.confirm(
        many.map((e) => e.id),
        later,
      ),
    );
    expect(expectOk(await claims.unconfirmed(later))).toEqual([]);
    // only confirmed claims older than the cut are forgotten
    expect(expectOk(await claims.prune(new Date(at.getTime() + 1_000 * 1_000)))).toBe(1_000);
    expect(expectOk(await claims.claim(many.slice(0, 1_001), later)).map((e) => e.id)).toHaveLength(1_000);
  });

  it("a batch whose incident was not saved neither hides the next batch nor posts twice when planned again", async () => {
    const { db } = current();
    const connectionId = await freshConnection(db);
    const stored = createIncidentStore(db, connectionId, () => new Date());
    let saves = 0;
    const outbox = createOutboxStore(db, connectionId);
    const dispatcher = createAlertDispatcher({
      // the second save fails: the process stopped after queueing the follow-up, before saving the incident
      incidents: {
        ...stored,
        save: async (incident) => {
          saves += 1;
          return saves === 2 ? err(new AppError("db.unavailable", "the database went away")) : stored.save(incident);
        },
      },
      outbox,
      routes: new StaticAlertRoutes([ROUTES[0] as AlertRoute]),
      config: { links: LINKS },
      clock: systemClock,
      ids: randomIds,
      logger: silentLogger,
    });
    const event = (id: string) => auditEvent(id, new Date());
    const poll = (...ids: string[]) =>
      dispatcher.dispatch({ type: "apple_audit", at: new Date(), events: ids.map(event) });
    expectOk(await poll("e0"));
    expect((await poll("e1")).ok).toBe(false);
    expectOk(await poll("e2"));
    expectOk(await poll("e1")); // the stranded batch, planned again by a later poll
    const queued = expectOk(await outbox.claimDue({ now: new Date(Date.now() + 60_000), limit: 50, lockMs: 1 }));
    const threads = queued
      .map((entry) => parseOutboxPayload(entry.payload))
      .filter((payload) => payload?.kind === "thread")
      .map((payload) => JSON.stringify(payload));
    for (const id of ["e1", "e2"])
      expect([id, threads.filter((text) => text.includes(`${id}@contoso.com`)).length]).toEqual([id, 1]);
  });
});
