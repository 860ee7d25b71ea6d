import { describe, expect, it } from "vitest";
import { createOutboxWorker } from "#app/alerts/outbox-worker.js";
import type { ChannelNotifier } from "#app/alerts/ports.js";
import { createDigestWorker, digestDedupKey } from "#app/digest-worker.js";
import { renderReplyText } from "#app/render-text.js";
import type { Reply } from "#core/chat/reply.js";
import { randomIds } from "#core/ids.js";
import { silentLogger } from "#core/logger.js";
import { ok } from "#core/result.js";
import type { Database } from "#db/database.js";
import { createIncidentStore } from "#db/repositories/alert-repository.js";
import { createApprovalStore } from "#db/repositories/approval-repository.js";
import { createDigestSubscriptionStore } from "#db/repositories/digest-subscription-repository.js";
import { createOutboxStore } from "#db/repositories/outbox-repository.js";
import { ManualClock } from "#test/support/chat/fakes.js";
import { LINKS } from "#test/support/chat/harness.js";
import { describeEachDatabase, expectOk, freshConnection } from "#test/support/db.js";
import { DIGEST_AT, seededHistory, WEEK_END } from "#test/support/digest/seeded-history.js";

/**
 * Two replicas (`abm serve` twice on one database: two clients, two digest workers, two outbox
 * workers) reach the due time together. Each channel gets exactly one digest per period; the
 * next period brings the next one. On Postgres (`TEST_DATABASE_URL`) the replicas are separate
 * connection pools; on PGlite they share the one instance.
 */
class RecordingNotifier implements ChannelNotifier {
  readonly posts: { readonly channelId: string; readonly reply: Reply }[] = [];
  async post(channelId: string, reply: Reply) {
    this.posts.push({ channelId, reply });
    return ok({ messageId: `m${this.posts.length}` });
  }
  async reply(channelId: string, _parent: string, reply: Reply) {
    return this.post(channelId, reply);
  }
  async update() {
    return ok(undefined);
  }
}

function replica(db: Database, connectionId: string, clock: ManualClock) {
  const now = () => clock.now();
  const outbox = createOutboxStore(db, connectionId);
  const slack = new RecordingNotifier();
  const teams = new RecordingNotifier();
  const digests = createDigestWorker({
    digest: {
      subscriptions: createDigestSubscriptionStore(db, connectionId, now),
      sources: seededHistory().sources,
      at: DIGEST_AT,
    },
    outbox,
    links: LINKS,
    clock,
    ids: randomIds,
    logger: silentLogger,
  });
  const sender = createOutboxWorker({
    outbox,
    incidents: createIncidentStore(db, connectionId, now),
    approvals: createApprovalStore(db, connectionId, randomIds),
    notifiers: { slack, teams },
    links: LINKS,
    clock,
    logger: silentLogger,
    options: { minIntervalMs: 0 },
  });
  return { digests, sender, slack, teams };
}

describeEachDatabase("a digest is sent once per period across replicas", (current) => {
  it("two replicas at the due time: one weekly digest per channel, one daily per day", async () => {
    const { db, other } = current();
    const connectionId = await freshConnection(db);
    const clock = new ManualClock(new Date("2026-11-20T12:00:00Z"));
    const book = createDigestSubscriptionStore(db, connectionId, () => clock.now());
    expectOk(await book.set({ platform: "slack", channelId: "CWEEKLY" }, "weekly", "UOPERATOR"));
    expectOk(await book.set({ platform: "teams", channelId: "19:daily@thread.tacv2" }, "daily", "29:olga"));
    expectOk(await book.set({ platform: "slack", channelId: "COFF" }, "daily", "UOPERATOR"));
    expectOk(await book.set({ platform: "slack", channelId: "COFF" }, null, "UOPERATOR"));

    const a = replica(db, connectionId, clock);
    const b = replica(other, connectionId, clock);
    const both = async () => {
      const queued = await Promise.all([a.digests.tick(), b.digests.tick()]);
      await Promise.all([a.sender.drain(5_000), b.sender.drain(5_000)]);
      return queued.map((q) => expectOk(q));
    };
    const posted = (platform: "slack" | "teams") => [...a[platform].posts, ...b[platform].posts];

    // Monday 08:00 Berlin has passed by 30 s: both replicas compose, one stores each digest
    clock.advance(WEEK_END.getTime() + 30_000 - clock.now().getTime());
    const first = await both();
    expect(first.reduce((n, q) => n + q, 0)).toBe(2);
    expect(posted("slack").map((p) => p.channelId)).toEqual(["CWEEKLY"]);
    expect(posted("teams").map((p) => p.channelId)).toEqual(["19:daily@thread.tacv2"]);
    const weekly = posted("slack")[0]?.reply;
    expect(weekly?.fallbackText).toContain("Weekly ABM sync digest");
    expect(renderReplyText(weekly ?? { fallbackText: "", blocks: [], visibility: "channel", tone: "info" })).toContain(
      "apr_week applied (12 users) by Ada Approver, Bob Approver",
    );

    // the replicas keep polling in the same period: nothing more
    for (let i = 0; i < 3; i += 1) {
      clock.advance(60_000);
      expect(await both()).toEqual([0, 0]);
    }
    expect(posted("slack")).toHaveLength(1);
    expect(posted("teams")).toHaveLength(1);

    // a day later: the next daily digest, no second weekly one
    clock.advance(86_400_000);
    await both();
    expect(posted("slack")).toHaveLength(1);
    expect(posted("teams").map((p) => p.reply.fallbackText.slice(0, 22))).toEqual([
      "Daily ABM sync digest,",
      "Daily ABM sync digest,",
    ]);
    // past the grace period a missed digest is not sent late
    clock.advance(7 * 3_600_000);
    expect(await both()).toEqual([0, 0]);
  }, 60_000);

  it("a channel subscribed after the due time gets its first digest at the next one", async () => {
    const { db } = current();
    const connectionId = await freshConnection(db);
    const clock = new ManualClock(new Date(WEEK_END.getTime() + 60_000));
    const book = createDigestSubscriptionStore(db, connectionId, () => clock.now());
    expectOk(await book.set({ platform: "slack", channelId: "CLATE" }, "daily", "UOPERATOR"));
    const a = replica(db, connectionId, clock);
    expect(expectOk(await a.digests.tick())).toBe(0);
    clock.advance(86_400_000);
    expect(expectOk(await a.digests.tick())).toBe(1);
  });
});

describe("the digest key", () => {
  it("names the period and the channel", () => {
    const period = { cadence: "daily" as const, key: "daily:2026-12-03", start: new Date(0), end: new Date(0) };
    expect(digestDedupKey(period, "slack", "C1")).toBe("digest:daily:2026-12-03|slack:C1");
  });
});
