import { expect, it } from "vitest";
import type { LinkState } from "#core/sync/operations.js";
import type { TargetUser } from "#core/users.js";
import { createLinkRepository } from "#db/repositories/link-repository.js";
import { describeEachDatabase, expectOk, freshConnection } from "#test/support/db.js";

const T0 = new Date("2026-03-01T10:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function target(i: number): TargetUser {
  return {
    userName: `u${i}@example.com`,
    externalId: `e${i}`,
    active: true,
    givenName: `Given${i}`,
    familyName: null,
    email: `u${i}@example.com`,
    locale: null,
    employeeNumber: null,
    costCenter: null,
    division: null,
    department: "Sales",
  };
}

const link = (i: number, extra: Partial<LinkState> = {}): LinkState => ({
  entraId: `e${i}`,
  scimId: `s${i}`,
  userName: `u${i}@example.com`,
  attributeHash: `h${i}`,
  active: true,
  lastPushed: target(i),
  ...extra,
});

const failure = (i: number, minutes: number, nextRetryAt: Date | null) => ({
  entraId: `e${i}`,
  userName: `new${i}@example.com`,
  action: "create",
  code: "scim.conflict",
  reason: "An Apple Account already uses this address.",
  fix: "Ask the user to change the personal Apple Account's address.",
  at: at(minutes),
  nextRetryAt,
});

describeEachDatabase("link store and failure escrow", (current) => {
  it("upserts by Entra id, reads back what was pushed, removes and clears", async () => {
    const { db } = current();
    const connectionId = await freshConnection(db);
    const links = createLinkRepository(db);
    expectOk(
      await links.upsertMany(connectionId, [link(1), link(2), link(3, { lastPushed: null, active: false })], at(0)),
    );
    expectOk(
      await links.upsertMany(connectionId, [link(2, { attributeHash: "h2b", userName: "renamed@example.com" })], at(1)),
    );
    const all = expectOk(await links.list(connectionId));
    expect(all).toHaveLength(3);
    expect(all.find((l) => l.entraId === "e1")).toEqual(link(1));
    expect(all.find((l) => l.entraId === "e2")).toMatchObject({
      attributeHash: "h2b",
      userName: "renamed@example.com",
    });
    expect(all.find((l) => l.entraId === "e3")).toMatchObject({ active: false, lastPushed: null });
    expect(
      expectOk(await links.getMany(connectionId, ["e1", "e3", "e9"]))
        .map((l) => l.entraId)
        .sort(),
    ).toEqual(["e1", "e3"]);
    expect(expectOk(await links.getByScimId(connectionId, "s1"))?.entraId).toBe("e1");
    expect(expectOk(await links.count(connectionId))).toBe(3);
    // another connection never sees these rows
    const otherConnection = await freshConnection(db);
    expect(expectOk(await links.count(otherConnection))).toBe(0);
    expectOk(await links.upsertMany(otherConnection, [link(1)], at(0)));
    expect(expectOk(await links.remove(connectionId, ["e1", "e9"]))).toBe(1);
    expect(expectOk(await links.count(connectionId))).toBe(2);
    expect(expectOk(await links.clear(connectionId))).toBe(2);
    expect(expectOk(await links.count(otherConnection))).toBe(1);
  });

  it("refuses to link one SCIM id to two Entra users (db.conflict)", async () => {
    const { db } = current();
    const connectionId = await freshConnection(db);
    const links = createLinkRepository(db);
    expectOk(await links.upsertMany(connectionId, [link(1)], at(0)));
    const clash = await links.upsertMany(connectionId, [link(2, { scimId: "s1" })], at(1));
    expect(clash.ok ? null : clash.error.code).toBe("db.conflict");
    expect(clash.ok ? null : clash.error.retryable).toBe(false);
    expect(clash.ok ? "" : clash.error.message).not.toContain("u2@example.com");
  });

  it("keeps failures in escrow with attempts, due retries and clearing", async () => {
    const { db } = current();
    const connectionId = await freshConnection(db);
    const links = createLinkRepository(db);
    expectOk(await links.upsertMany(connectionId, [link(1)], at(0)));
    // e1 is linked and fails an update; e2 never reached ABM; e3 is invalid data (no timer)
    expectOk(
      await links.recordFailures(connectionId, [failure(1, 1, at(30)), failure(2, 2, at(10)), failure(3, 3, null)]),
    );
    expectOk(await links.recordFailures(connectionId, [failure(2, 4, at(40))]));
    const failing = expectOk(await links.failures(connectionId));
    expect(failing.map((f) => f.entraId)).toEqual(["e2", "e3", "e1"]);
    expect(failing[0]).toMatchObject({
      attempts: 2,
      lastAttemptAt: at(4),
      nextRetryAt: at(40),
      userName: "new2@example.com",
    });
    expect(failing.find((f) => f.entraId === "e1")).toMatchObject({
      userName: "u1@example.com",
      code: "scim.conflict",
    });
    expect(expectOk(await links.failureCount(connectionId))).toBe(3);
    // escrow rows without a link are not links
    expect(expectOk(await links.count(connectionId))).toBe(1);
    expect(expectOk(await links.getMany(connectionId, ["e2"]))).toEqual([]);
    expect(expectOk(await links.dueRetries(connectionId, at(35), 10))).toEqual(["e1"]);
    expect(expectOk(await links.dueRetries(connectionId, at(45), 10))).toEqual(["e1", "e2"]);
    expect(expectOk(await links.dueRetries(connectionId, at(45), 1))).toEqual(["e1"]);
    // e2's create succeeds later: the link replaces the escrow row, then its failure is cleared
    expectOk(await links.upsertMany(connectionId, [link(2)], at(50)));
    expect(expectOk(await links.clearFailures(connectionId, ["e1", "e2"]))).toBe(2);
    expect(expectOk(await links.failures(connectionId)).map((f) => f.entraId)).toEqual(["e3"]);
    expect(
      expectOk(await links.list(connectionId))
        .map((l) => l.entraId)
        .sort(),
    ).toEqual(["e1", "e2"]);
    expect(expectOk(await links.clearAllFailures(connectionId))).toBe(1);
    expect(expectOk(await links.failureCount(connectionId))).toBe(0);
    expect(expectOk(await links.count(connectionId))).toBe(2);
  });

  it("upserts and lists 10,000 links in batches within seconds", async () => {
    const { db } = current();
    const connectionId = await freshConnection(db);
    const links = createLinkRepository(db);
    const many = Array.from({ length: 10_000 }, (_, i) => link(i));
    const started = performance.now();
    expect(expectOk(await links.upsertMany(connectionId, many, at(0)))).toBe(10_000);
    expect(
      expectOk(
        await links.upsertMany(
          connectionId,
          many.slice(0, 5_000).map((l) => ({ ...l, active: false })),
          at(1),
        ),
      ),
    ).toBe(5_000);
    const listed = expectOk(await links.list(connectionId));
    const elapsed = performance.now() - started;
    expect(listed).toHaveLength(10_000);
    expect(listed.filter((l) => !l.active)).toHaveLength(5_000);
    expect(elapsed).toBeLessThan(30_000);
  });
});
