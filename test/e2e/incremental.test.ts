import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignDemoScope } from "#app/emulators.js";
import { type RunCounts, ZERO_COUNTS } from "#core/ports/provisioning-engine.js";
import { createE2eDatabase, type E2eHarness, e2eDatabaseKinds, startE2e } from "#test/support/e2e.js";
import { type AbmUser, abmUsers, duplicatesIn } from "./support/model.js";
import type { RecordingProxy } from "./support/recording-proxy.js";

/**
 * Incremental cycles (Graph delta + assigned scope) after each kind of change in Entra, with the
 * run counts, the SCIM requests actually sent, and ABM's state checked after each one.
 */
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const ZERO: RunCounts = ZERO_COUNTS;

interface PatchBody {
  readonly Operations: readonly { readonly op: string; readonly path: string; readonly value?: unknown }[];
}

for (const kind of e2eDatabaseKinds()) {
  describe(`incremental cycles after each kind of change [${kind}]`, () => {
    let harness: E2eHarness;
    let proxy: RecordingProxy;
    let groupId: string;
    const abmUser = (entraId: string): AbmUser | undefined =>
      abmUsers(harness.pair.abm).find((u) => u.externalId === entraId);
    const writes = () => proxy.requests.filter((r) => r.method !== "GET");
    const patchPaths = () =>
      writes()
        .filter((r) => r.method === "PATCH")
        .map((r) => (r.body as PatchBody).Operations.map((o) => o.path));
    /** one incremental cycle; returns its counts, with only the SCIM writes of that cycle recorded */
    const cycle = async (): Promise<RunCounts> => {
      proxy.clear();
      const run = await harness.sync();
      expect(run.kind).toBe("incremental");
      expect(run.outcome).toBe("succeeded");
      expect(duplicatesIn(abmUsers(harness.pair.abm))).toEqual([]);
      return run.counts;
    };
    const newUser = (local: string): string => {
      const user = harness.graph.store.createUser({
        givenName: "Nora",
        surname: "Quist",
        displayName: "Nora Quist",
        userPrincipalName: `${local}@contoso.com`,
        mail: `${local}@contoso.com`,
        department: "Sales",
      });
      return user.id;
    };

    beforeAll(async () => {
      const database = await createE2eDatabase(kind);
      harness = await startE2e({
        database,
        emulators: { users: 60, seed: 11, problemRate: 0 },
        env: { SYNC_SCOPE: "assigned" },
        recordScim: true,
      });
      proxy = harness.proxy as RecordingProxy;
      assignDemoScope(harness.graph);
      groupId = [...harness.graph.store.groups.values()].find((g) => g.displayName === "Apple Business Manager users")
        ?.id as string;
      const initial = await harness.sync();
      expect(initial.kind).toBe("initial");
      expect(initial.counts.created).toBeGreaterThan(40);
    });
    afterAll(async () => {
      await harness?.close();
    });

    it("create: a new user in the assigned group is POSTed once", async () => {
      const id = newUser("nora.create");
      harness.graph.store.addMember(groupId, id);
      expect(await cycle()).toEqual({ ...ZERO, created: 1 });
      expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual(["POST /Users"]);
      expect(abmUser(id)).toMatchObject({ userName: "nora.create@contoso.com", active: true, department: "Sales" });
    });

    it("update: one changed attribute is PATCHed, and only that attribute", async () => {
      const id = newUser("nora.update");
      harness.graph.store.addMember(groupId, id);
      await cycle();
      const before = abmUser(id);
      harness.graph.store.patchUser(id, { department: "Legal" });
      expect(await cycle()).toEqual({ ...ZERO, updated: 1 });
      expect(patchPaths()).toEqual([[`${ENTERPRISE}:department`]]);
      expect(writes()).toHaveLength(1);
      expect(abmUser(id)).toMatchObject({ ...before, department: "Legal", version: expect.any(String) });
      expect(abmUser(id)?.version).not.toBe(before?.version);
    });

    it("disable → active false; enable → active again", async () => {
      const id = newUser("nora.disable");
      harness.graph.store.addMember(groupId, id);
      await cycle();
      harness.graph.store.patchUser(id, { accountEnabled: false });
      expect(await cycle()).toEqual({ ...ZERO, deactivated: 1 });
      expect(patchPaths()).toEqual([["active"]]);
      expect(abmUser(id)?.active).toBe(false);
      harness.graph.store.patchUser(id, { accountEnabled: true });
      expect(await cycle()).toEqual({ ...ZERO, updated: 1 });
      expect(patchPaths()).toEqual([["active"]]);
      expect(abmUser(id)?.active).toBe(true);
    });

    it("soft delete → deactivated; restore → active; soft then hard delete → stays deactivated", async () => {
      const id = newUser("nora.delete");
      harness.graph.store.addMember(groupId, id);
      await cycle();
      harness.graph.store.deleteUser(id, false);
      expect(await cycle()).toEqual({ ...ZERO, deactivated: 1 });
      expect(abmUser(id)?.active).toBe(false);
      harness.graph.store.restoreUser(id);
      expect(await cycle()).toEqual({ ...ZERO, updated: 1 });
      expect(abmUser(id)?.active).toBe(true);
      harness.graph.store.deleteUser(id, false);
      expect(await cycle()).toEqual({ ...ZERO, deactivated: 1 });
      harness.graph.store.deleteUser(id, true);
      expect(await cycle()).toEqual(ZERO);
      expect(writes()).toEqual([]);
      expect(abmUser(id)).toMatchObject({ active: false, userName: "nora.delete@contoso.com" });
    });

    it("hard delete of an active user → deactivated, not deleted (the default policy)", async () => {
      const id = newUser("nora.purge");
      harness.graph.store.addMember(groupId, id);
      await cycle();
      harness.graph.store.deleteUser(id, true);
      expect(await cycle()).toEqual({ ...ZERO, deactivated: 1 });
      expect(writes().map((r) => r.method)).toEqual(["PATCH"]);
      expect(abmUser(id)?.active).toBe(false);
    });

    it("assigned scope: unassigning a group member deactivates; assigning a user directly creates; re-adding reactivates", async () => {
      const store = harness.graph.store;
      const member = [...(store.groups.get(groupId)?.members ?? [])].find(
        (id) => store.users.get(id)?.state === "active",
      ) as string;
      expect(abmUser(member)?.active).toBe(true);
      store.removeMember(groupId, member);
      expect(await cycle()).toEqual({ ...ZERO, deactivated: 1 });
      expect(abmUser(member)?.active).toBe(false);

      // a user only in the nested group is out of scope until assigned directly
      const nested = [...store.groups.values()].find((g) => g.displayName.startsWith("Contractors"));
      const outsider = [...(nested?.members ?? [])].find((id) => store.users.has(id)) as string;
      expect(abmUser(outsider)).toBeUndefined();
      store.assign(outsider);
      expect(await cycle()).toEqual({ ...ZERO, created: 1 });
      expect(abmUser(outsider)?.active).toBe(true);

      store.addMember(groupId, member);
      expect(await cycle()).toEqual({ ...ZERO, updated: 1 });
      expect(patchPaths()).toEqual([["active"]]);
      expect(abmUser(member)?.active).toBe(true);
    });
  });
}
