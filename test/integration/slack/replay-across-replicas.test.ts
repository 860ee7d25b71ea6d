import { describe, expect, it } from "vitest";
import type { ChatHandler } from "#adapters/slack/index.js";
import { AppError } from "#core/errors.js";
import { err } from "#core/result.js";
import { createSeenRequestRepository } from "#db/repositories/seen-request-repository.js";
import { createHarness, VIEWER } from "#test/support/chat/harness.js";
import { describeEachDatabase, expectOk } from "#test/support/db.js";
import { postSigned, sign, slashCommandBody } from "./support/signed-request.js";
import { SECRET, startSlackFixture } from "./support/slack-fixture.js";

/**
 * Issue 13 item 12: two Slack app instances (real Bolt, signed HTTP) share one database; a
 * request accepted by one is refused as a replay by the other, and by an instance started
 * after the first one stopped, within the 5-minute window.
 */
describeEachDatabase("Slack replay protection across replicas", (current) => {
  function counting(): { chat: ChatHandler; count: () => number } {
    const harness = createHarness({ approvalsRequired: 1 });
    let n = 0;
    return {
      chat: {
        handle: (request) => {
          n += 1;
          return harness.core.handle(request);
        },
        handleAction: (request) => harness.core.handleAction(request),
      },
      count: () => n,
    };
  }

  it("refuses on replica B and after a restart a request replica A accepted", async () => {
    const { db, other } = current();
    const a = counting();
    const b = counting();
    const replicaA = await startSlackFixture({ chat: a.chat, seenRequests: createSeenRequestRepository(db) });
    const replicaB = await startSlackFixture({ chat: b.chat, seenRequests: createSeenRequestRepository(other) });
    const body = slashCommandBody({ text: "status", userId: VIEWER, responseUrl: `${replicaA.sink.url}/first` });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = sign(SECRET, timestamp, body);
    try {
      expect((await postSigned(replicaA.eventsUrl, body, { secret: SECRET, timestamp, signature })).status).toBe(200);
      await replicaA.sink.waitFor("/first");

      const replayed = await postSigned(replicaB.eventsUrl, body, { secret: SECRET, timestamp, signature });
      expect(replayed.status).toBe(401);
      expect(replayed.body).toContain("slack.replayed_request");
      expect(b.count()).toBe(0);
    } finally {
      await replicaA.close();
      await replicaB.close();
    }

    const c = counting();
    const restarted = await startSlackFixture({ chat: c.chat, seenRequests: createSeenRequestRepository(db) });
    try {
      const again = await postSigned(restarted.eventsUrl, body, { secret: SECRET, timestamp, signature });
      expect(again.status).toBe(401);
      expect(again.body).toContain("slack.replayed_request");
      expect(c.count()).toBe(0);
    } finally {
      await restarted.close();
    }
    expect(a.count()).toBe(1);
  });

  it("lets exactly one of two replicas accept the same request sent to both at once", async () => {
    const { db, other } = current();
    const a = counting();
    const b = counting();
    const replicaA = await startSlackFixture({ chat: a.chat, seenRequests: createSeenRequestRepository(db) });
    const replicaB = await startSlackFixture({ chat: b.chat, seenRequests: createSeenRequestRepository(other) });
    try {
      const body = slashCommandBody({ text: "help", userId: VIEWER, responseUrl: `${replicaA.sink.url}/race` });
      const timestamp = Math.floor(Date.now() / 1000);
      const signature = sign(SECRET, timestamp, body);
      const statuses = await Promise.all(
        [replicaA, replicaB].map(
          async (fx) => (await postSigned(fx.eventsUrl, body, { secret: SECRET, timestamp, signature })).status,
        ),
      );
      expect(statuses.sort()).toEqual([200, 401]);
    } finally {
      await replicaA.close();
      await replicaB.close();
    }
  });

  it("forgets an entry once its window has passed, and prunes expired rows", async () => {
    const { db } = current();
    const seen = createSeenRequestRepository(db);
    const t0 = new Date("2026-03-01T10:00:00Z");
    const later = (s: number) => new Date(t0.getTime() + s * 1000);
    const key = `test:${Math.random()}`;
    expect(expectOk(await seen.remember({ key, expiresAt: later(301), now: t0 }))).toBe(true);
    expect(expectOk(await seen.remember({ key, expiresAt: later(302), now: later(1) }))).toBe(false);
    expect(expectOk(await seen.remember({ key, expiresAt: later(700), now: later(400) }))).toBe(true);
    expect(expectOk(await seen.prune(later(10_000)))).toBeGreaterThanOrEqual(1);
    expect(expectOk(await seen.remember({ key, expiresAt: later(10_301), now: later(10_000) }))).toBe(true);
  });
});

describe("Slack replay protection when the database cannot be reached", () => {
  it("answers 503 and runs nothing rather than skipping the replay check", async () => {
    const harness = createHarness({ approvalsRequired: 1 });
    let handled = 0;
    const down = () =>
      err(
        new AppError("db.unavailable", "remember seen request: the database cannot be reached.", { retryable: true }),
      );
    const fx = await startSlackFixture({
      chat: {
        handle: (request) => {
          handled += 1;
          return harness.core.handle(request);
        },
        handleAction: (request) => harness.core.handleAction(request),
      },
      seenRequests: { remember: async () => down(), prune: async () => down() },
    });
    try {
      const body = slashCommandBody({ text: "status", userId: VIEWER, responseUrl: `${fx.sink.url}/x` });
      const sent = await postSigned(fx.eventsUrl, body, { secret: SECRET });
      expect(sent.status).toBe(503);
      expect(sent.body).toContain("slack.replay_check_failed");
      expect(handled).toBe(0);
    } finally {
      await fx.close();
    }
  });
});
