import { and, eq } from "drizzle-orm";
import { expect, it } from "vitest";
import type { EngineStore, FailureRecord, JournalEntry, OutcomeBatch } from "#core/engine/engine-store.js";
import type { LinkState } from "#core/sync/operations.js";
import type { TargetUser } from "#core/users.js";
import type { Database } from "#db/database.js";
import { ensureConnection } from "#db/repositories/connection-repository.js";
import { createEngineStore } from "#db/repositories/engine-store.js";
import { createNamedValueStore } from "#db/repositories/watermark-repository.js";
import { syncOperations } from "#db/schema/sync-operations.js";
import { describeEachDatabase, freshConnection } from "#test/support/db.js";

/**
 * The native engine's store (db/repositories/engine-store.ts) on each database: every port method,
 * two connections that never see each other's rows, racing lease claims from two clients, and the
 * multi-table writes that must land whole or not at all.
 */
const T0 = new Date("2026-03-01T10:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const zero = { created: 0, adopted: 0, updated: 0, deactivated: 0, deleted: 0, skipped: 0, failed: 0, held: 0 };

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

const failure = (i: number, minutes: number, nextRetryAt: Date | null): FailureRecord => ({
  entraId: `e${i}`,
  userName: `new${i}@example.com`,
  action: "create",
  code: "scim.conflict",
  reason: "An Apple Account already uses this address.",
  fix: "Ask the user to change the personal Apple Account's address.",
  at: at(minutes),
  nextRetryAt,
});

const entry = (runId: string, i: number, status: JournalEntry["status"] = "pending"): JournalEntry => ({
  id: `${runId}_op${i}`,
  entraId: `e${i}`,
  userName: `u${i}@example.com`,
  action: "create",
  dedupKey: `e${i}:create:h${i}`,
  reason: "new in scope",
  status,
});

const batch = (parts: Partial<OutcomeBatch>): OutcomeBatch => ({
  removedLinks: [],
  links: [],
  clearedFailures: [],
  failures: [],
  completions: [],
  ...parts,
});

/** a store on a fresh connection whose clock reads `clock.now` */
async function freshStore(db: Database, clock = { now: at(0) }): Promise<{ id: string; store: EngineStore }> {
  const id = await freshConnection(db);
  return { id, store: createEngineStore(db, id, () => clock.now) };
}

async function startRun(store: EngineStore, id: string, minutes = 0): Promise<void> {
  await store.startRun({ id, kind: "incremental", trigger: "schedule", actor: "system", startedAt: at(minutes) });
}

async function journalRows(db: Database, connectionId: string, runId: string) {
  return db
    .select()
    .from(syncOperations)
    .where(and(eq(syncOperations.connectionId, connectionId), eq(syncOperations.runId, runId)))
    .orderBy(syncOperations.id);
}

describeEachDatabase("engine store", (current) => {
  it("settings: a new connection needs a full cycle; patches change only what they name; ensure never overwrites", async () => {
    const { db } = current();
    const { id, store } = await freshStore(db);
    expect(await store.settings()).toEqual({
      scope: "assigned",
      paused: false,
      quarantine: null,
      needsFullCycle: true,
      rejectedRemovals: [],
    });
    const quarantine = { reason: "TooManyDeletes", since: at(2), nextAttemptAt: at(600), seriesCount: 2 };
    await store.updateSettings({ paused: true, scope: "all", quarantine, rejectedRemovals: ["e1", "e2"] });
    await ensureConnection(db, { id, name: "again", engine: "entra", scope: "assigned", now: at(5) });
    expect(await store.settings()).toEqual({
      scope: "all",
      paused: true,
      quarantine,
      needsFullCycle: true,
      rejectedRemovals: ["e1", "e2"],
    });
    await store.updateSettings({ quarantine: null, needsFullCycle: false });
    expect(await store.settings()).toMatchObject({ quarantine: null, needsFullCycle: false, paused: true });
    const missing = createEngineStore(db, "con_missing", () => at(0));
    await expect(missing.settings()).rejects.toMatchObject({ code: "db.not_found" });
    await expect(missing.updateSettings({ paused: true })).rejects.toMatchObject({ code: "db.not_found" });
  });

  it("runs: started and finished once, newest first, the last success found, interrupted ones failed", async () => {
    const { db } = current();
    const { id, store } = await freshStore(db);
    await startRun(store, `${id}_r1`, 0);
    await expect(startRun(store, `${id}_r1`, 0)).rejects.toMatchObject({ code: "db.conflict", retryable: false });
    const counts = { ...zero, created: 3, updated: 2, failed: 1 };
    const end = { finishedAt: at(10), outcome: "partial", counts, error: null } as const;
    expect(await store.finishRun(`${id}_r1`, end)).toBe(true);
    expect(await store.finishRun(`${id}_r1`, { ...end, outcome: "failed" })).toBe(false);
    await startRun(store, `${id}_r2`, 20);
    const failed = { code: "scim.auth", message: "token rejected" };
    expect(await store.finishRun(`${id}_r2`, { finishedAt: at(21), outcome: "failed", counts: zero, error: failed }));
    const runs = await store.runs(10);
    expect(runs.map((r) => r.id)).toEqual([`${id}_r2`, `${id}_r1`]);
    expect(runs[0]?.error).toEqual(failed);
    expect(runs[1]).toMatchObject({ outcome: "partial", counts, finishedAt: at(10), error: null });
    expect(await store.runs(1)).toHaveLength(1);
    expect((await store.lastSuccessfulRun())?.id).toBe(`${id}_r1`);

    for (const name of ["a", "b", "c"]) await startRun(store, `${id}_${name}`, 30);
    expect(await store.failInterruptedRuns(at(35), `${id}_c`)).toBe(2);
    const after = await store.runs(3);
    expect(after.find((r) => r.id === `${id}_a`)).toMatchObject({
      outcome: "failed",
      finishedAt: at(35),
      error: { code: "engine.interrupted" },
    });
    expect(after.find((r) => r.id === `${id}_c`)?.outcome).toBe("running");
    // a run of an unknown connection is refused by the foreign key
    const orphan = createEngineStore(db, "con_nope", () => at(0));
    await expect(startRun(orphan, "run_orphan")).rejects.toMatchObject({ code: "db.missing_reference" });
  });

  it("journal: bulk insert, re-journaled dedup keys skipped, outcomes completed with links and failures", async () => {
    const { db } = current();
    const clock = { now: at(1) };
    const { id, store } = await freshStore(db, clock);
    const runId = `${id}_run`;
    await startRun(store, runId);
    const entries = Array.from({ length: 2_500 }, (_, i) => entry(runId, i, i % 10 === 0 ? "held" : "pending"));
    await store.journal(runId, entries);
    await store.journal(
      runId,
      entries.slice(0, 10).map((e) => ({ ...e, id: `${e.id}_again` })),
    );
    expect(await journalRows(db, id, runId)).toHaveLength(2_500);

    clock.now = at(4);
    await store.recordOutcomes(
      runId,
      batch({
        links: [link(1)],
        clearedFailures: ["e1"],
        failures: [failure(2, 4, at(30))],
        completions: [
          { id: `${runId}_op1`, status: "succeeded", errorCode: null, errorMessage: null },
          { id: `${runId}_op2`, status: "failed", errorCode: "scim.conflict", errorMessage: "exists" },
          { id: "op_of_another_run", status: "succeeded", errorCode: null, errorMessage: null },
        ],
      }),
    );
    const rows = await journalRows(db, id, runId);
    expect(rows.find((r) => r.id === `${runId}_op1`)).toMatchObject({ status: "succeeded", finishedAt: at(4) });
    expect(rows.find((r) => r.id === `${runId}_op2`)).toMatchObject({
      status: "failed",
      errorCode: "scim.conflict",
      errorMessage: "exists",
      finishedAt: at(4),
    });
    expect(rows.find((r) => r.id === `${runId}_op0`)).toMatchObject({ status: "held", finishedAt: at(1) });
    expect(rows.filter((r) => r.status === "pending")).toHaveLength(2_500 - 250 - 2);
    expect(await store.links()).toEqual([link(1)]);
    expect((await store.failures()).map((f) => f.entraId)).toEqual(["e2"]);
  });

  it("lastOperation: the newest journaled operation of one user, finished or not; null when never planned", async () => {
    const { db } = current();
    const clock = { now: at(1) };
    const { store } = await freshStore(db, clock);
    expect(await store.lastOperation("e2")).toBeNull();
    await startRun(store, "lo_run1");
    await store.journal("lo_run1", [entry("lo_run1", 2)]);
    clock.now = at(2);
    await store.recordOutcomes(
      "lo_run1",
      batch({
        completions: [{ id: "lo_run1_op2", status: "failed", errorCode: "scim.conflict", errorMessage: "exists" }],
      }),
    );
    expect(await store.lastOperation("e2")).toEqual({
      runId: "lo_run1",
      action: "create",
      status: "failed",
      reason: "new in scope",
      errorCode: "scim.conflict",
      errorMessage: "exists",
      at: at(2),
    });
    clock.now = at(5);
    await startRun(store, "lo_run2", 5);
    await store.journal("lo_run2", [{ ...entry("lo_run2", 2), action: "update", dedupKey: "e2:update:h" }]);
    expect(await store.lastOperation("e2")).toMatchObject({ runId: "lo_run2", status: "pending", at: at(5) });
  });

  it("outcomes land whole or not at all: a write refused late in the batch rolls back the links before it", async () => {
    const { db } = current();
    const { id, store } = await freshStore(db);
    const runId = `${id}_run`;
    await startRun(store, runId);
    await store.journal(runId, [entry(runId, 1), entry(runId, 2), entry(runId, 3)]);
    const done = (n: number) => ({
      id: `${runId}_op${n}`,
      status: "succeeded" as const,
      errorCode: null,
      errorMessage: null,
    });
    await store.recordOutcomes(runId, batch({ links: [link(1)], completions: [done(1)] }));
    // the link writes run first and succeed; the failure's text holds a NUL the database refuses
    const refused = store.recordOutcomes(
      runId,
      batch({
        removedLinks: ["e1"],
        links: [link(2)],
        failures: [{ ...failure(3, 1, null), reason: "bad \u0000 text" }],
        completions: [done(2)],
      }),
    );
    await expect(refused).rejects.toMatchObject({ code: "db.query_failed" });
    expect(await store.links()).toEqual([link(1)]);
    expect(await store.failureCount()).toBe(0);
    expect((await journalRows(db, id, runId)).map((r) => r.status)).toEqual(["succeeded", "pending", "pending"]);

    // e2 claiming e1's SCIM id is a conflict, and its message names no user
    const clash = store.recordOutcomes(runId, batch({ links: [link(2, { scimId: "s1" })], completions: [done(2)] }));
    await expect(clash).rejects.toMatchObject({ code: "db.conflict", retryable: false });
    await expect(clash.catch((e: Error) => e.message)).resolves.not.toContain("u2@example.com");
    expect((await journalRows(db, id, runId)).map((r) => r.status)).toEqual(["succeeded", "pending", "pending"]);
  });

  it("links: upserted by Entra id, read by id and by userName case-insensitively, removed; adopt replaces in one batch", async () => {
    const { db } = current();
    const { id, store } = await freshStore(db);
    const runId = `${id}_run`;
    await startRun(store, runId);
    await store.recordOutcomes(
      runId,
      batch({ links: [link(1), link(2), link(3, { lastPushed: null, active: false })] }),
    );
    await store.recordOutcomes(
      runId,
      batch({ links: [link(2, { attributeHash: "h2b", userName: "Renamed@Example.com" })] }),
    );
    const all = await store.links();
    expect(all).toHaveLength(3);
    expect(all.find((l) => l.entraId === "e1")).toEqual(link(1));
    expect(all.find((l) => l.entraId === "e3")).toMatchObject({ active: false, lastPushed: null });
    expect((await store.linksFor(["e1", "e3", "e9"])).map((l) => l.entraId).sort()).toEqual(["e1", "e3"]);
    expect(
      (await store.linksForUserNames(["renamed@example.COM", "nobody@example.com"])).map((l) => l.entraId),
    ).toEqual(["e2"]);
    expect(await store.linkCount()).toBe(3);
    expect((await store.linksForScimIds(["s3", "s1", "s9", "s1"])).map((l) => l.entraId).sort()).toEqual(["e1", "e3"]);
    // a full cycle walks the links page by page (Entra id order), escrow rows left out
    await store.recordOutcomes(runId, batch({ failures: [failure(5, 1, null)] }));
    expect(await store.linkedIdsAfter(null, 2)).toEqual(["e1", "e2"]);
    expect(await store.linkedIdsAfter("e2", 2)).toEqual(["e3"]);
    expect(await store.linkedIdsAfter("e3", 2)).toEqual([]);
    // an adopt takes over e1's ABM user for e4: the removal runs before the insert in the same batch
    await store.recordOutcomes(runId, batch({ removedLinks: ["e1", "e9"], links: [link(4, { scimId: "s1" })] }));
    expect((await store.links()).map((l) => l.entraId).sort()).toEqual(["e2", "e3", "e4"]);
  });

  it("failure escrow: attempts counted, due retries oldest first, cleared on success, departed users leave with the cycle", async () => {
    const { db } = current();
    const { id, store } = await freshStore(db);
    const runId = `${id}_run`;
    await startRun(store, runId);
    await store.recordOutcomes(runId, batch({ links: [link(1)] }));
    // e1 is linked and fails an update; e2 never reached ABM; e3 is invalid data (no timer)
    await store.recordOutcomes(
      runId,
      batch({ failures: [failure(1, 1, at(30)), failure(2, 2, at(10)), failure(3, 3, null)] }),
    );
    await store.recordOutcomes(runId, batch({ failures: [failure(2, 4, at(40))] }));
    const failing = await store.failures();
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
    expect(await store.failureCount()).toBe(3);
    // escrow rows without a link are not links
    expect(await store.linkCount()).toBe(1);
    expect(await store.linksFor(["e2"])).toEqual([]);
    expect(await store.dueRetries(at(35), 10)).toEqual(["e1"]);
    expect(await store.dueRetries(at(45), 10)).toEqual(["e1", "e2"]);
    expect(await store.dueRetries(at(45), 1)).toEqual(["e1"]);
    // e2's create succeeds later: the link replaces the escrow row and its failure is cleared
    await store.recordOutcomes(runId, batch({ links: [link(2)], clearedFailures: ["e1", "e2"] }));
    expect((await store.failures()).map((f) => f.entraId)).toEqual(["e3"]);
    expect((await store.links()).map((l) => l.entraId).sort()).toEqual(["e1", "e2"]);
    // e3 left Entra: it leaves the escrow when the cycle completes
    await store.completeCycle({ departed: ["e3"], watermark: "delta-1", fullCycleDone: false });
    expect(await store.failureCount()).toBe(0);
    expect(await store.linkCount()).toBe(2);
  });

  it("a cycle's end moves the delta link and marks the full cycle done together; a restart forgets them together", async () => {
    const { db } = current();
    const { id, store } = await freshStore(db);
    const runId = `${id}_run`;
    await startRun(store, runId);
    expect(await store.watermark()).toBeNull();
    await store.completeCycle({ departed: [], watermark: "delta-1", fullCycleDone: true });
    expect(await store.watermark()).toBe("delta-1");
    expect((await store.settings()).needsFullCycle).toBe(false);
    await store.completeCycle({ departed: [], watermark: "delta-2", fullCycleDone: false });
    expect(await store.watermark()).toBe("delta-2");

    await store.recordOutcomes(
      runId,
      batch({ links: [link(1)], failures: [failure(1, 1, at(30)), failure(2, 1, null)] }),
    );
    await store.updateSettings({
      rejectedRemovals: ["e9"],
      quarantine: { reason: "scim.auth", since: at(1), nextAttemptAt: at(60), seriesCount: 1 },
    });
    await store.resetForRestart();
    expect(await store.watermark()).toBeNull();
    expect(await store.failureCount()).toBe(0);
    expect(await store.settings()).toMatchObject({ needsFullCycle: true, rejectedRemovals: [], quarantine: null });
    // links stay: the full cycle re-matches them
    expect(await store.linkCount()).toBe(1);

    // a cycle end that cannot finish moves nothing: the delta link stays where it was
    const gone = createEngineStore(db, "con_gone", () => at(0));
    await expect(gone.completeCycle({ departed: [], watermark: "x", fullCycleDone: true })).rejects.toMatchObject({
      code: "db.missing_reference",
    });
  });

  it("leases: of two clients racing, one wins; held until expiry or release; released by the holder only", async () => {
    const { db, other } = current();
    const id = await freshConnection(db);
    const mine = createEngineStore(db, id, () => at(0));
    const theirs = createEngineStore(other, id, () => at(0));
    for (let round = 0; round < 5; round += 1) {
      const now = at(round * 10);
      const won = await Promise.all([
        mine.acquireLease("cycle", "p1", 60_000, now),
        theirs.acquireLease("cycle", "p2", 60_000, now),
      ]);
      expect(won.filter(Boolean)).toHaveLength(1);
      const [winner, winnerStore] = won[0] ? (["p1", mine] as const) : (["p2", theirs] as const);
      const loser = winner === "p1" ? "p2" : "p1";
      // the holder extends; the other is refused until it expires
      expect(await winnerStore.acquireLease("cycle", winner, 60_000, at(round * 10 + 0.5))).toBe(true);
      expect(await mine.acquireLease("cycle", loser, 60_000, at(round * 10 + 1))).toBe(false);
      expect(await mine.releaseLease("cycle", loser)).toBe(false);
      expect(await theirs.releaseLease("cycle", winner)).toBe(true);
    }
    // a holder that stops renewing loses the lease at expiry
    expect(await mine.acquireLease("cycle", "p1", 60_000, at(100))).toBe(true);
    expect(await theirs.acquireLease("cycle", "p2", 60_000, at(100.9))).toBe(false);
    expect(await theirs.acquireLease("cycle", "p2", 60_000, at(101))).toBe(true);
    expect(await mine.releaseLease("cycle", "p1")).toBe(false);
  });

  it("two connections never see each other's rows", async () => {
    const { db } = current();
    const a = await freshStore(db);
    const b = await freshStore(db);
    const runA = `${a.id}_run`;
    await startRun(a.store, runA);
    await a.store.journal(runA, [entry(runA, 1)]);
    await a.store.recordOutcomes(runA, batch({ links: [link(1)], failures: [failure(2, 1, at(0))] }));
    await a.store.completeCycle({ departed: [], watermark: "delta-a", fullCycleDone: true });
    await a.store.updateSettings({ paused: true });
    expect(await a.store.acquireLease("cycle", "p1", 60_000, at(0))).toBe(true);

    expect(await b.store.runs(10)).toEqual([]);
    expect(await b.store.lastSuccessfulRun()).toBeNull();
    expect(await b.store.links()).toEqual([]);
    expect(await b.store.linksFor(["e1"])).toEqual([]);
    expect(await b.store.linksForUserNames(["u1@example.com"])).toEqual([]);
    expect(await b.store.linksForScimIds(["s1"])).toEqual([]);
    expect(await b.store.linkedIdsAfter(null, 10)).toEqual([]);
    expect(await b.store.linkCount()).toBe(0);
    expect(await b.store.failures()).toEqual([]);
    expect(await b.store.dueRetries(at(60), 10)).toEqual([]);
    expect(await b.store.watermark()).toBeNull();
    expect(await b.store.settings()).toMatchObject({ paused: false, needsFullCycle: true });
    // the same lease name of another connection is free; B cannot finish or fail A's run
    expect(await b.store.acquireLease("cycle", "p2", 60_000, at(0))).toBe(true);
    expect(await b.store.finishRun(runA, { finishedAt: at(1), outcome: "failed", counts: zero, error: null })).toBe(
      false,
    );
    expect(await b.store.failInterruptedRuns(at(1), null)).toBe(0);
    // B's writes of the same Entra ids stay B's; B's restart leaves A alone
    const runB = `${b.id}_run`;
    await startRun(b.store, runB);
    await b.store.recordOutcomes(
      runB,
      batch({
        links: [link(1, { scimId: "s1" })],
        clearedFailures: ["e2"],
        completions: [{ id: `${runA}_op1`, status: "failed", errorCode: "x", errorMessage: "x" }],
      }),
    );
    await b.store.resetForRestart();
    expect(await a.store.links()).toEqual([link(1)]);
    expect(await a.store.failureCount()).toBe(1);
    expect(await a.store.watermark()).toBe("delta-a");
    expect((await journalRows(db, a.id, runA))[0]?.status).toBe("pending");
    expect((await a.store.runs(1))[0]?.outcome).toBe("running");
  });

  it("named values (the entra engine's cursors) are kept per connection", async () => {
    const { db } = current();
    const [a, b] = [await freshConnection(db), await freshConnection(db)];
    const values = createNamedValueStore(db, a, () => at(0));
    expect(await values.get("logs.cursor")).toBeNull();
    await values.set("logs.cursor", "2026-03-01T10:00:00Z");
    await values.set("logs.cursor", "2026-03-01T11:00:00Z");
    expect(await values.get("logs.cursor")).toBe("2026-03-01T11:00:00Z");
    expect(await createNamedValueStore(db, b, () => at(0)).get("logs.cursor")).toBeNull();
    await expect(createNamedValueStore(db, "con_missing", () => at(0)).set("x", "y")).rejects.toMatchObject({
      code: "db.missing_reference",
    });
  });

  it("writes and lists 10,000 links in batches within seconds", async () => {
    const { db } = current();
    const { id, store } = await freshStore(db);
    const runId = `${id}_run`;
    await startRun(store, runId);
    const many = Array.from({ length: 10_000 }, (_, i) => link(i));
    const started = performance.now();
    await store.recordOutcomes(runId, batch({ links: many }));
    await store.recordOutcomes(runId, batch({ links: many.slice(0, 5_000).map((l) => ({ ...l, active: false })) }));
    const listed = await store.links();
    const elapsed = performance.now() - started;
    expect(listed).toHaveLength(10_000);
    expect(listed.filter((l) => !l.active)).toHaveLength(5_000);
    expect(elapsed).toBeLessThan(30_000);
  });
});
