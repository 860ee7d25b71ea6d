import { describe, expect, it } from "vitest";
import { toJsonPayload } from "#app/alerts/outbox-payload.js";
import { createOutboxWorker } from "#app/alerts/outbox-worker.js";
import type { ChannelNotifier } from "#app/alerts/ports.js";
import type { Reply } from "#core/chat/reply.js";
import { AppError } from "#core/errors.js";
import { silentLogger } from "#core/logger.js";
import { err, ok } from "#core/result.js";
import { InMemoryIncidentStore, InMemoryOutboxStore } from "#test/support/alerts.js";
import { InMemoryApprovalStore, ManualClock } from "#test/support/chat/fakes.js";
import { LINKS } from "#test/support/chat/harness.js";

/** The worker's delivery rules with a manual clock: spacing, back-off, dead letters, threading. */
const reply: Reply = { fallbackText: "x", blocks: [{ type: "text", text: "x" }], visibility: "channel", tone: "info" };

function setup(notifier: ChannelNotifier) {
  const clock = new ManualClock(new Date("2026-03-01T10:00:00Z"));
  const outbox = new InMemoryOutboxStore();
  const incidents = new InMemoryIncidentStore();
  const worker = createOutboxWorker({
    outbox,
    incidents,
    approvals: new InMemoryApprovalStore(),
    notifiers: { slack: notifier },
    links: LINKS,
    clock,
    logger: silentLogger,
    options: { minIntervalMs: 1_000, maxAttempts: 3, backoffBaseMs: 1_000, parentWaitMs: 10_000 },
  });
  let n = 0;
  const enqueue = (channelId: string, payload: Parameters<typeof toJsonPayload>[0]) =>
    outbox.enqueue({
      id: `out_${++n}`,
      platform: "slack",
      channelId,
      payload: toJsonPayload(payload),
      incidentKey: payload.kind === "post" ? null : payload.incidentKey,
      dedupKey: `d${n}`,
      now: clock.now(),
    });
  return { clock, outbox, incidents, worker, enqueue };
}

describe("outbox worker", () => {
  it("spaces messages of one channel by minIntervalMs and runs channels side by side", async () => {
    const sent: { channel: string; at: number }[] = [];
    let clockRef: ManualClock | null = null;
    const notifier: ChannelNotifier = {
      post: async (channel) => {
        sent.push({ channel, at: clockRef?.now().getTime() ?? 0 });
        return ok({ messageId: `m${sent.length}` });
      },
      reply: async () => ok({ messageId: "r" }),
      update: async () => ok(undefined),
    };
    const s = setup(notifier);
    clockRef = s.clock;
    for (const key of ["a", "b", "c"])
      await s.enqueue("C1", { kind: "parent", incidentKey: key, opening: 1, approvalId: null, reply });
    await s.enqueue("C2", { kind: "parent", incidentKey: "d", opening: 1, approvalId: null, reply });
    await s.worker.drain(60_000);
    const c1 = sent.filter((x) => x.channel === "C1").map((x) => x.at);
    expect(c1).toHaveLength(3);
    expect((c1[1] ?? 0) - (c1[0] ?? 0)).toBeGreaterThanOrEqual(1_000);
    expect((c1[2] ?? 0) - (c1[1] ?? 0)).toBeGreaterThanOrEqual(1_000);
    expect(sent.filter((x) => x.channel === "C2")).toHaveLength(1);
    expect(s.outbox.byStatus("sent")).toHaveLength(4);
  });

  it("retries retryable failures with back-off, then gives up; permanent ones die at once", async () => {
    let calls = 0;
    const notifier: ChannelNotifier = {
      post: async (channel) => {
        calls += 1;
        return channel === "CGONE"
          ? err(new AppError("slack.api_error", "channel_not_found", { retryable: false }))
          : err(new AppError("slack.unreachable", "down", { retryable: true }));
      },
      reply: async () => ok({ messageId: "r" }),
      update: async () => ok(undefined),
    };
    const s = setup(notifier);
    await s.enqueue("CGONE", { kind: "parent", incidentKey: "a", opening: 1, approvalId: null, reply });
    await s.enqueue("CDOWN", { kind: "parent", incidentKey: "b", opening: 1, approvalId: null, reply });
    await s.worker.tick();
    expect(s.outbox.rows.get("out_1")?.status).toBe("dead");
    expect(s.outbox.rows.get("out_2")?.status).toBe("pending");
    expect(await s.worker.tick()).toBe(0); // backing off: nothing due yet
    for (let i = 0; i < 5; i += 1) {
      s.clock.advance(60_000);
      await s.worker.tick();
    }
    expect(s.outbox.rows.get("out_2")?.status).toBe("dead");
    expect(s.outbox.rows.get("out_2")?.lastError?.code).toBe("slack.unreachable");
    expect(calls).toBe(4); // 1 permanent + 3 attempts
  });

  it("threads a follow-up under the recorded parent, or posts it alone once the wait is over", async () => {
    const replies: string[] = [];
    const posts: string[] = [];
    const notifier: ChannelNotifier = {
      post: async (_c, r) => {
        posts.push(r.fallbackText);
        return ok({ messageId: `p${posts.length}` });
      },
      reply: async (_c, parent) => {
        replies.push(parent);
        return ok({ messageId: "r1" });
      },
      update: async () => ok(undefined),
    };
    const s = setup(notifier);
    const opened = {
      key: "quarantine",
      kind: "quarantine" as const,
      status: "open" as const,
      title: "Q",
      openedAt: s.clock.now(),
      lastSeenAt: s.clock.now(),
      resolvedAt: null,
      occurrences: 1,
      count: 0,
      milestone: null,
      opening: 0,
    };
    await s.incidents.save(opened);
    await s.enqueue("C1", { kind: "parent", incidentKey: "quarantine", opening: 1, approvalId: null, reply });
    await s.enqueue("C1", { kind: "thread", incidentKey: "quarantine", opening: 1, reply });
    await s.worker.drain(60_000);
    expect(replies).toEqual(["p1"]);
    expect(s.incidents.records.get("quarantine")?.messageRefs).toEqual([
      { platform: "slack", channelId: "C1", messageId: "p1", opening: 1 },
    ]);

    await s.enqueue("C9", { kind: "thread", incidentKey: "quarantine", opening: 1, reply });
    await s.worker.tick();
    expect(s.outbox.rows.get("out_3")?.status).toBe("pending"); // waiting for a parent in C9
    s.clock.advance(11_000);
    await s.worker.tick();
    expect(s.outbox.rows.get("out_3")?.status).toBe("sent");
    expect(posts).toHaveLength(2);
  });

  it("never posts a second parent of one opening in a channel: a parent queued again edits the one there", async () => {
    const posts: string[] = [];
    const updates: string[] = [];
    const notifier: ChannelNotifier = {
      post: async (channel) => {
        posts.push(channel);
        return ok({ messageId: `p${posts.length}` });
      },
      reply: async () => ok({ messageId: "r" }),
      update: async (_channel, id) => {
        updates.push(id);
        return ok(undefined);
      },
    };
    const s = setup(notifier);
    const openedAt = s.clock.now();
    await s.incidents.save({
      key: "failure:x",
      kind: "failures",
      status: "open",
      title: "F",
      openedAt,
      lastSeenAt: openedAt,
      resolvedAt: null,
      occurrences: 1,
      count: 3,
      milestone: null,
      opening: 0,
    });
    // posted by a version without catch-up parents (migration 0005 gave its ref opening 0)
    await s.incidents.addMessageRef("failure:x", {
      platform: "slack",
      channelId: "C1",
      messageId: "old1",
      opening: 0,
    });
    const again = {
      kind: "parent" as const,
      incidentKey: "failure:x",
      opening: 0,
      approvalId: null,
      reply,
    };
    await s.enqueue("C1", again);
    await s.enqueue("C2", again);
    await s.worker.drain(60_000);
    expect(posts).toEqual(["C2"]); // C1 already shows this opening's parent
    expect(updates).toEqual(["old1"]);
    // a later opening is a new parent, also where an old one is
    await s.enqueue("C1", { ...again, opening: openedAt.getTime() });
    s.clock.advance(2_000);
    await s.worker.drain(60_000);
    expect(posts).toEqual(["C2", "C1"]);
  });
});
