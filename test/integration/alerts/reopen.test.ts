import { readFile } from "node:fs/promises";
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { createAlertDispatcher } from "#app/alerts/dispatcher.js";
import { createOutboxWorker } from "#app/alerts/outbox-worker.js";
import type { ChannelNotifier } from "#app/alerts/ports.js";
import type { Reply } from "#core/chat/reply.js";
import { randomIds } from "#core/ids.js";
import { silentLogger } from "#core/logger.js";
import type { FailureEntry, RunSummary } from "#core/ports/provisioning-engine.js";
import { ok } from "#core/result.js";
import { createIncidentStore } from "#db/repositories/alert-repository.js";
import { createApprovalStore } from "#db/repositories/approval-repository.js";
import { createOutboxStore } from "#db/repositories/outbox-repository.js";
import { StaticAlertRoutes } from "#test/support/alerts.js";
import { ManualClock } from "#test/support/chat/fakes.js";
import { LINKS } from "#test/support/chat/harness.js";
import { describeEachDatabase, expectOk, freshConnection } from "#test/support/db.js";

/**
 * An incident that resolved and comes back later (the same users fail again next week, Graph goes
 * down a second time) is a new incident: a new parent message, its follow-ups threaded under the
 * new parent, and the old thread's last edits still land on the old parent.
 */
const T0 = new Date("2026-03-02T09:00:00Z");
const CHANNEL = "CALERTS";

interface Sent {
  readonly op: "post" | "reply" | "update";
  readonly id: string;
  readonly parent: string | null;
  readonly text: string;
}

function recordingNotifier(sent: Sent[]): ChannelNotifier {
  let next = 0;
  const text = (reply: Reply) => reply.fallbackText;
  return {
    async post(_channel, reply) {
      next += 1;
      sent.push({ op: "post", id: `m${next}`, parent: null, text: text(reply) });
      return ok({ messageId: `m${next}` });
    },
    async reply(_channel, parent, reply) {
      next += 1;
      sent.push({ op: "reply", id: `m${next}`, parent, text: text(reply) });
      return ok({ messageId: `m${next}` });
    },
    async update(_channel, messageId, reply) {
      sent.push({ op: "update", id: messageId, parent: null, text: text(reply) });
      return ok(undefined);
    },
  };
}

function failures(count: number, at: Date): FailureEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    entraId: `id-${i}`,
    userName: `user${i}@example.com`,
    action: "create" as const,
    code: "validation.missing_given_name",
    reason: "Missing given name",
    fix: "Set givenName in Entra",
    attempts: 1,
    lastAttemptAt: at,
    nextRetryAt: null,
  }));
}

function run(id: string, at: Date): RunSummary {
  return {
    id,
    kind: "incremental",
    trigger: "schedule",
    actor: "system",
    startedAt: at,
    finishedAt: at,
    outcome: "partial",
    counts: { created: 0, adopted: 0, updated: 0, deactivated: 0, deleted: 0, skipped: 0, failed: 0, held: 0 },
    error: null,
  };
}

describeEachDatabase("an incident that comes back after it resolved", (current) => {
  it("posts a new parent, threads under it, and finishes the old thread on the old parent", async () => {
    const { db } = current();
    const connectionId = await freshConnection(db);
    const clock = new ManualClock(T0);
    const now = () => clock.now();
    const incidents = createIncidentStore(db, connectionId, now);
    const outbox = createOutboxStore(db, connectionId);
    const dispatcher = createAlertDispatcher({
      incidents,
      outbox,
      routes: new StaticAlertRoutes([
        { platform: "slack", channelId: CHANNEL, kinds: "all", setBy: null, setAt: null },
      ]),
      config: { links: LINKS },
      clock,
      ids: randomIds,
      logger: silentLogger,
    });
    const sent: Sent[] = [];
    const worker = createOutboxWorker({
      outbox,
      incidents,
      approvals: createApprovalStore(db, connectionId, randomIds),
      notifiers: { slack: recordingNotifier(sent) },
      links: LINKS,
      clock,
      logger: silentLogger,
      options: { minIntervalMs: 0 },
    });
    const cycle = async (id: string, failing: number) => {
      clock.advance(60_000);
      const at = clock.now();
      expectOk(
        await dispatcher.dispatch({ type: "cycle_finished", at, run: run(id, at), failures: failures(failing, at) }),
      );
    };

    await cycle("run_1", 3); // opens: parent m1
    await cycle("run_2", 0); // resolves: m1 edited, "Resolved" threaded under m1
    await cycle("run_3", 2); // the same reason again: a NEW incident, parent posted anew
    await cycle("run_4", 4); // grows: follow-up threaded under the new parent
    clock.advance(1_000); // the dispatcher spaces a batch's messages 1 ms apart: all due now
    await worker.drain(10_000);

    const posts = sent.filter((s) => s.op === "post");
    expect(posts.map((p) => p.text)).toEqual([
      "3 users fail to sync: Missing given name",
      "2 users fail to sync: Missing given name",
    ]);
    const [first, second] = posts;
    const replies = sent.filter((s) => s.op === "reply");
    expect(replies.map((r) => [r.parent, r.text])).toEqual([
      [first?.id, expect.stringMatching(/^✅ Resolved: No user fails with this reason/)],
      [second?.id, expect.stringMatching(/^2 more users now fail with validation.missing_given_name/)],
    ]);
    const edits = sent.filter((s) => s.op === "update");
    expect(edits.find((e) => e.text.startsWith("Resolved:"))?.id).toBe(first?.id);
    expect(edits.filter((e) => e.id === second?.id).length).toBeGreaterThan(0);
    expect(edits.every((e) => e.id === first?.id || e.id === second?.id)).toBe(true);
    await worker.stop();
  });

  it("two replicas that plan the same opening store one parent per channel", async () => {
    const { db, other } = current();
    const connectionId = await freshConnection(db);
    const routes = new StaticAlertRoutes([
      { platform: "slack", channelId: CHANNEL, kinds: "all", setBy: null, setAt: null },
    ]);
    const replica = (database: typeof db, clock: ManualClock) =>
      createAlertDispatcher({
        incidents: createIncidentStore(database, connectionId, () => clock.now()),
        outbox: createOutboxStore(database, connectionId),
        routes,
        config: { links: LINKS },
        clock,
        ids: randomIds,
        logger: silentLogger,
      });
    // both replicas see ABM refuse the old token and switch, a few ms apart
    const a = new ManualClock(T0);
    const b = new ManualClock(new Date(T0.getTime() + 7));
    const switched = (clock: ManualClock) =>
      ({ type: "token_switched", at: clock.now(), tokenId: "tok_abc123", expiresAt: null }) as const;
    await Promise.all([replica(db, a).dispatch(switched(a)), replica(other, b).dispatch(switched(b))]);
    const queued = expectOk(
      await createOutboxStore(db, connectionId).claimDue({
        now: new Date(T0.getTime() + 60_000),
        limit: 50,
        lockMs: 1,
      }),
    );
    expect(queued.map((entry) => (entry.payload as { kind: string }).kind)).toEqual(["parent"]);
  });

  it("migration 0005 gives the parents posted before openings existed their incident's first opening", async () => {
    const { db } = current();
    const connectionId = await freshConnection(db);
    const incidents = createIncidentStore(db, connectionId, () => T0);
    const incident = {
      key: "quarantine",
      kind: "quarantine" as const,
      status: "open" as const,
      title: "Sync quarantined",
      openedAt: T0,
      lastSeenAt: T0,
      resolvedAt: null,
      occurrences: 1,
      count: 0,
      milestone: null,
      opening: 0,
    };
    expectOk(await incidents.save(incident));
    const legacy = [
      { platform: "slack", channelId: "C1", messageId: "1.1" },
      { platform: "teams", channelId: "19:x", messageId: "a1" },
    ];
    await db.execute(
      sql`update alerts set message_refs = ${JSON.stringify(legacy)}::jsonb where connection_id = ${connectionId}`,
    );
    const migration = await readFile(
      new URL("../../../db/migrations/0005_incident_openings.sql", import.meta.url),
      "utf8",
    );
    // the column exists already (the test database is migrated): run what follows it
    for (const statement of migration.split("--> statement-breakpoint").slice(1)) await db.execute(sql.raw(statement));
    expect(expectOk(await incidents.get("quarantine"))?.messageRefs).toEqual(
      legacy.map((ref) => ({ ...ref, opening: 0 })),
    );
  });
});
