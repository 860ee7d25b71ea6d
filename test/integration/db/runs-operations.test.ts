import { expect, it } from "vitest";
import type { NewOperation } from "#core/ports/store/operation-store.js";
import { createConnectionRepository } from "#db/repositories/connection-repository.js";
import { createOperationRepository } from "#db/repositories/operation-repository.js";
import { createRunRepository } from "#db/repositories/run-repository.js";
import { describeEachDatabase, expectOk, freshConnection } from "#test/support/db.js";

const T0 = new Date("2026-03-01T10:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const zero = { created: 0, adopted: 0, updated: 0, deactivated: 0, deleted: 0, skipped: 0, failed: 0, held: 0 };

describeEachDatabase("connection, run and operation stores", (current) => {
  it("ensures a connection once and patches its switches and quarantine", async () => {
    const { db } = current();
    const store = createConnectionRepository(db);
    const created = expectOk(
      await store.ensure({ id: "con_a", name: "Main", engine: "native", scope: "assigned", now: T0 }),
    );
    expect(created).toMatchObject({
      paused: false,
      state: "idle",
      quarantine: null,
      needsFullCycle: true,
      rejectedRemovals: [],
    });
    const again = expectOk(
      await store.ensure({ id: "con_a", name: "Other", engine: "entra", scope: "all", now: at(1) }),
    );
    expect(again).toMatchObject({ name: "Main", engine: "native", scope: "assigned" });
    const quarantine = { reason: "TooManyDeletes", since: at(2), nextAttemptAt: at(600), seriesCount: 2 };
    const patched = expectOk(
      await store.update("con_a", { paused: true, scope: "all", quarantine, rejectedRemovals: ["e1", "e2"] }, at(3)),
    );
    expect(patched).toMatchObject({
      paused: true,
      scope: "all",
      quarantine,
      rejectedRemovals: ["e1", "e2"],
      updatedAt: at(3),
    });
    const lifted = expectOk(await store.update("con_a", { quarantine: null, needsFullCycle: false }, at(4)));
    expect(lifted).toMatchObject({ quarantine: null, needsFullCycle: false, paused: true });
    expect(expectOk(await store.list()).map((c) => c.id)).toContain("con_a");
    const missing = await store.update("con_missing", { paused: true }, at(5));
    expect(missing.ok ? null : missing.error.code).toBe("db.not_found");
    expect(expectOk(await store.get("con_missing"))).toBeNull();
  });

  it("records a run's start and finish once, lists newest first, finds the last success", async () => {
    const { db } = current();
    const connectionId = await freshConnection(db);
    const runs = createRunRepository(db);
    const base = { connectionId, kind: "incremental", trigger: "schedule", actor: "system" } as const;
    expect(expectOk(await runs.start({ ...base, id: `${connectionId}_r1`, startedAt: at(0) })).outcome).toBe("running");
    const duplicate = await runs.start({ ...base, id: `${connectionId}_r1`, startedAt: at(0) });
    expect(duplicate.ok ? null : duplicate.error.code).toBe("db.conflict");
    const counts = { ...zero, created: 3, updated: 2, failed: 1 };
    const end = { finishedAt: at(10), outcome: "partial", counts, error: null } as const;
    expect(expectOk(await runs.finish(`${connectionId}_r1`, end))).toBe(true);
    expect(expectOk(await runs.finish(`${connectionId}_r1`, { ...end, outcome: "failed" }))).toBe(false);
    expectOk(await runs.start({ ...base, id: `${connectionId}_r2`, startedAt: at(20) }));
    expect(
      expectOk(
        await runs.finish(`${connectionId}_r2`, {
          finishedAt: at(21),
          outcome: "failed",
          counts: zero,
          error: { code: "scim.auth", message: "token rejected" },
        }),
      ),
    ).toBe(true);
    const list = expectOk(await runs.list(connectionId, 10));
    expect(list.map((r) => r.id)).toEqual([`${connectionId}_r2`, `${connectionId}_r1`]);
    expect(list[0]?.error).toEqual({ code: "scim.auth", message: "token rejected" });
    expect(list[1]).toMatchObject({ outcome: "partial", counts, finishedAt: at(10), error: null });
    expect(expectOk(await runs.lastSuccessful(connectionId))?.id).toBe(`${connectionId}_r1`);
    const orphan = await runs.start({
      ...base,
      id: "run_unknown_connection",
      connectionId: "con_nope",
      startedAt: at(0),
    });
    expect(orphan.ok ? null : orphan.error.code).toBe("db.missing_reference");
  });

  it("fails runs left running by a dead process, except the active one", async () => {
    const { db } = current();
    const connectionId = await freshConnection(db);
    const runs = createRunRepository(db);
    const base = { connectionId, kind: "incremental", trigger: "schedule", actor: "system" } as const;
    for (const id of ["a", "b", "c"])
      expectOk(await runs.start({ ...base, id: `${connectionId}_${id}`, startedAt: at(0) }));
    const marked = expectOk(
      await runs.failInterrupted({
        connectionId,
        now: at(5),
        exceptRunId: `${connectionId}_c`,
        error: { code: "sync.interrupted", message: "the process stopped" },
      }),
    );
    expect(marked).toBe(2);
    expect(expectOk(await runs.get(`${connectionId}_a`))).toMatchObject({ outcome: "failed", finishedAt: at(5) });
    expect(expectOk(await runs.get(`${connectionId}_c`))?.outcome).toBe("running");
  });

  it("journals operations in bulk, ignores re-journaled dedup keys and updates statuses in bulk", async () => {
    const { db } = current();
    const connectionId = await freshConnection(db);
    const runId = `${connectionId}_run`;
    expectOk(
      await createRunRepository(db).start({
        id: runId,
        connectionId,
        kind: "initial",
        trigger: "cli",
        actor: "cli:me",
        startedAt: at(0),
      }),
    );
    const ops = createOperationRepository(db);
    const entries: NewOperation[] = Array.from({ length: 2_500 }, (_, i) => ({
      id: `${runId}_op${i}`,
      entraId: `e${i}`,
      userName: `u${i}@example.com`,
      action: i % 10 === 0 ? "deactivate" : "create",
      status: i % 10 === 0 ? "held" : "pending",
      reason: "new in scope",
      dedupKey: `e${i}:create:h${i}`,
    }));
    expect(expectOk(await ops.journal({ connectionId, runId, now: at(1), entries }))).toBe(2_500);
    const replay = entries.slice(0, 10).map((e) => ({ ...e, id: `${e.id}_again` }));
    expect(expectOk(await ops.journal({ connectionId, runId, now: at(2), entries: replay }))).toBe(0);

    const running = entries.slice(1, 4).map((e) => ({ id: e.id, status: "running" as const }));
    expect(expectOk(await ops.update({ runId, now: at(3), updates: running }))).toBe(3);
    const done = [
      { id: entries[1]?.id ?? "", status: "succeeded" as const },
      { id: entries[2]?.id ?? "", status: "failed" as const, errorCode: "scim.conflict", errorMessage: "exists" },
      { id: "op_of_another_run", status: "succeeded" as const },
    ];
    expect(expectOk(await ops.update({ runId, now: at(4), updates: done }))).toBe(2);

    const failed = expectOk(await ops.listByRun(runId, { status: "failed" }));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      entraId: "e2",
      errorCode: "scim.conflict",
      errorMessage: "exists",
      attempts: 1,
      startedAt: at(3),
      finishedAt: at(4),
    });
    expect(expectOk(await ops.listByRun(runId, { status: "held" }))).toHaveLength(250);
    expect(expectOk(await ops.listByRun(runId, { limit: 5 }))).toHaveLength(5);
    expect(expectOk(await ops.lastForUser(connectionId, "e1"))).toMatchObject({
      status: "succeeded",
      action: "create",
    });
    expect(expectOk(await ops.lastForUser(connectionId, "nobody"))).toBeNull();
    const keys = expectOk(await ops.succeededKeys(connectionId, ["e1:create:h1", "e2:create:h2", "zz"], at(0)));
    expect(keys).toEqual(["e1:create:h1"]);
    expect(expectOk(await ops.succeededKeys(connectionId, ["e1:create:h1"], at(5)))).toEqual([]);
  });
});
