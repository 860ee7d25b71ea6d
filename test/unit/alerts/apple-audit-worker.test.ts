import { describe, expect, it } from "vitest";
import { createAppleAuditWorker } from "#app/apple-audit-worker.js";
import type { AuditCursor } from "#core/chat/alerts/audit-cursor.js";
import type { AlertEvent } from "#core/chat/alerts/incidents.js";
import type { AuditEventClaims } from "#core/chat/alerts/stores.js";
import { AppError } from "#core/errors.js";
import { silentLogger } from "#core/logger.js";
import type { AppleAuditEvent } from "#core/ports/apple-directory.js";
import { err, ok } from "#core/result.js";
import { auditEvent } from "#test/support/apple.js";
import { ManualClock } from "#test/support/chat/fakes.js";

/** The poll's own rules with fakes: a stranded batch that cannot be alerted never holds up the rest. */
const T0 = new Date("2026-12-03T10:00:00Z");

const event = (id: string, minutesAgo: number) => auditEvent(id, new Date(T0.getTime() - minutesAgo * 60_000));

function memoryClaims(): AuditEventClaims & {
  readonly rows: Map<string, { event: AppleAuditEvent; at: Date; alerted: boolean }>;
} {
  const rows = new Map<string, { event: AppleAuditEvent; at: Date; alerted: boolean }>();
  return {
    rows,
    async claim(events, now) {
      const fresh = events.filter((e) => !rows.has(e.id));
      for (const e of fresh) rows.set(e.id, { event: e, at: now, alerted: false });
      return ok(fresh);
    },
    async unconfirmed(before) {
      const stranded = [...rows.values()].filter((r) => !r.alerted && r.at < before);
      const batches = new Map<number, AppleAuditEvent[]>();
      for (const r of stranded) batches.set(r.at.getTime(), [...(batches.get(r.at.getTime()) ?? []), r.event]);
      return ok([...batches.values()]);
    },
    async confirm(ids) {
      for (const id of ids) {
        const row = rows.get(id);
        if (row !== undefined) row.alerted = true;
      }
      return ok(undefined);
    },
    async prune() {
      return ok(0);
    },
  };
}

describe("the Apple audit poll", () => {
  it("alerts what it read although a stranded batch keeps failing, and moves its cursor", async () => {
    const clock = new ManualClock(T0);
    const claims = memoryClaims();
    // a poll 20 minutes ago claimed this one and stopped before alerting it
    await claims.claim([event("poison", 30)], new Date(T0.getTime() - 20 * 60_000));
    let until: Date | null = null;
    const cursor: AuditCursor = {
      read: async () => ok(until),
      write: async (at) => {
        until = at;
        return ok(undefined);
      },
    };
    const dispatched: string[][] = [];
    const worker = createAppleAuditWorker({
      log: { listAuditEvents: async () => ok([event("fresh", 2)]) },
      claims,
      cursor,
      leases: { acquireLease: async () => true, releaseLease: async () => true },
      holderId: "me",
      dispatch: async (alert: AlertEvent) => {
        const ids = alert.type === "apple_audit" ? alert.events.map((e) => e.id) : [];
        if (ids.includes("poison")) return err(new AppError("alerts.bad_payload", "this batch cannot be queued"));
        dispatched.push(ids);
        return ok(undefined);
      },
      clock,
      logger: silentLogger,
    });
    const poll = await worker.tick();
    expect(poll.ok && poll.value).toMatchObject({ polled: true, read: 1, handed: 1 });
    expect(dispatched).toEqual([["fresh"]]);
    expect(until).toEqual(T0);
    expect(claims.rows.get("fresh")?.alerted).toBe(true);
    expect(claims.rows.get("poison")?.alerted).toBe(false); // tried again next poll
  });
});
