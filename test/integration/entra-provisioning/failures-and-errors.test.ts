import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphEmulator, startGraphEmulator } from "#emulators/graph/start-graph-emulator.js";
import { addUser, entraEngineFor, InMemoryEntraStore, theJob } from "./support/entra-fixture.js";

describe("entra engine: provisioning-log failures and Graph errors", () => {
  let emulator: GraphEmulator;
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    emulator = await startGraphEmulator({ seed: 11 });
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await emulator.close();
  });

  function engine(store = new InMemoryEntraStore(), overrides = {}) {
    const fx = entraEngineFor(emulator, { initialLookbackMs: 60_000, logPageSize: 25, ...overrides }, store);
    closers.push(() => fx.engine.close());
    return fx;
  }

  it("polls failures once across a restart, paged, none missed, none twice", async () => {
    const store = new InMemoryEntraStore();
    const users = Array.from({ length: 120 }, (_, i) => addUser(emulator, `fail${i}`));
    const first = engine(store);
    for (const u of users.slice(0, 70)) {
      emulator.synchronization.addLog({
        userId: u.id,
        errorCode: "SystemForCrossDomainIdentityManagementConflict",
        reason: "409 Conflict",
      });
    }
    emulator.synchronization.addLog({ userId: users[0]?.id ?? "", status: "success" }); // successes are not alerted
    // 70 failures at 25 per page: all 70 only when the nextLink paging works
    const one = await first.engine.pollFailures();
    expect(one.ok && one.value.length).toBe(70);
    if (one.ok) {
      expect(new Set(one.value.map((f) => f.entraId)).size).toBe(70);
      expect(one.value[0]?.code).toBe("entra.SystemForCrossDomainIdentityManagementConflict");
      expect(one.value[0]?.fix).toContain("Apple Account");
    }
    // "restart": a new engine with the same persisted store
    const second = engine(store);
    const again = await second.engine.pollFailures();
    expect(again.ok && again.value.length).toBe(0);
    for (const u of users.slice(70)) emulator.synchronization.addLog({ userId: u.id, reason: "Bad request" });
    const more = await second.engine.pollFailures();
    expect(more.ok && more.value.map((f) => f.entraId).sort()).toEqual(
      users
        .slice(70)
        .map((u) => u.id)
        .sort(),
    );
    const third = await engine(store).engine.pollFailures();
    expect(third.ok && third.value.length).toBe(0);
    // failures(): users whose latest entry failed; user 0 succeeded afterwards
    const now = await second.engine.failures();
    expect(now.ok && now.value.some((f) => f.entraId === users[0]?.id)).toBe(false);
    expect(now.ok && now.value.length).toBeGreaterThanOrEqual(119);
  });

  it("poll() emits quarantine, deletions held, run finished and turns Entra's e-mail off when asked", async () => {
    const fx = engine(new InMemoryEntraStore(), { disableEmailNotifications: true });
    emulator.synchronization.start(theJob(emulator));
    const first = await fx.engine.poll();
    expect(first.ok).toBe(true);
    expect(fx.events.some((e) => e.type === "run_finished")).toBe(true);
    const raw = emulator.synchronization.secrets.find((s) => s.key === "SyncNotificationSettings")?.value ?? "{}";
    expect(JSON.parse(raw).Enabled).toBe(false);
    emulator.synchronization.quarantine(theJob(emulator), "TooManyDeletes", 600);
    await fx.engine.poll();
    expect(fx.events.filter((e) => e.type === "deletions_held")).toHaveLength(1);
    await fx.engine.poll();
    expect(fx.events.filter((e) => e.type === "deletions_held")).toHaveLength(1);
    emulator.synchronization.restart(theJob(emulator), "ForceDeletes");
    await fx.engine.poll();
    expect(fx.events.at(-1)?.type === "quarantine_left" || fx.events.some((e) => e.type === "quarantine_left")).toBe(
      true,
    );
    expect((await fx.engine.dueAt())?.getTime()).toBeGreaterThan(Date.now());
  });

  it("403 without Synchronization.ReadWrite.All names that permission", async () => {
    emulator.synchronization.denied.add("Synchronization.ReadWrite.All");
    try {
      const status = await engine().engine.status();
      expect(status.ok).toBe(false);
      if (!status.ok) {
        expect(status.error.code).toBe("graph.forbidden");
        expect(status.error.message).toContain("Synchronization.ReadWrite.All");
        expect(status.error.message).toContain(emulator.clientId);
        expect(status.error.message).not.toContain(emulator.clientSecret);
      }
    } finally {
      emulator.synchronization.denied.clear();
    }
  });

  it("403 without AuditLog.Read.All names that permission", async () => {
    emulator.synchronization.denied.add("AuditLog.Read.All");
    try {
      const failures = await engine().engine.failures();
      expect(!failures.ok && failures.error.code).toBe("graph.forbidden");
      if (!failures.ok) expect(failures.error.message).toContain("AuditLog.Read.All");
    } finally {
      emulator.synchronization.denied.clear();
    }
  });

  it("404 for a wrong service principal names ABM_SERVICE_PRINCIPAL_ID and the id", async () => {
    const wrong = "11111111-2222-3333-4444-555555555555";
    const status = await engine(new InMemoryEntraStore(), { servicePrincipalId: wrong }).engine.status();
    expect(!status.ok && status.error.code).toBe("entra.service_principal_not_found");
    if (!status.ok) {
      expect(status.error.message).toContain(wrong);
      expect(status.error.message).toContain("ABM_SERVICE_PRINCIPAL_ID");
    }
  });

  it("no job or several jobs are clear errors", async () => {
    const job = theJob(emulator);
    emulator.synchronization.removeJob(job.id);
    const none = await engine().engine.status();
    expect(!none.ok && none.error.code).toBe("entra.no_job");
    emulator.synchronization.jobs.set(job.id, job);
    const extra = emulator.synchronization.addJob("scim.extra");
    const several = await engine().engine.status();
    expect(!several.ok && several.error.code).toBe("entra.several_jobs");
    if (!several.ok) expect(several.error.message).toContain("scim.extra");
    emulator.synchronization.removeJob(extra.id);
  });
});
