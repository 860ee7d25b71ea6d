import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createE2eDatabase, type E2eHarness, e2eDatabaseKinds, startE2e } from "#test/support/e2e.js";
import { abmUsers, duplicatesIn } from "./support/model.js";

/**
 * Incremental cycles with scope `all` read only the links of the users in the cycle (by Entra id,
 * and by userName for new users), not every link: the changes still land, and a new user whose
 * userName an inactive link still holds takes over that ABM user instead of colliding with it.
 */
for (const kind of e2eDatabaseKinds()) {
  describe(`incremental cycles with scope all [${kind}]`, () => {
    let harness: E2eHarness;
    const abmByUserName = (userName: string) => abmUsers(harness.pair.abm).filter((u) => u.userName === userName);

    beforeAll(async () => {
      harness = await startE2e({
        database: await createE2eDatabase(kind),
        emulators: { users: 40, seed: 21, problemRate: 0 },
        env: { SYNC_SCOPE: "all" },
      });
      const initial = await harness.sync();
      expect(initial.counts.created).toBe(40);
    });
    afterAll(async () => {
      await harness?.close();
    });

    it("update, create and disable in one cycle", async () => {
      const [first, second] = [...harness.graph.store.users.keys()];
      harness.graph.store.patchUser(first as string, { department: "Legal" });
      harness.graph.store.patchUser(second as string, { accountEnabled: false });
      const created = harness.graph.store.createUser({
        givenName: "Ida",
        surname: "New",
        displayName: "Ida New",
        userPrincipalName: "ida.new@contoso.com",
        mail: "ida.new@contoso.com",
        accountEnabled: true,
      });
      const run = await harness.sync();
      expect(run.kind).toBe("incremental");
      expect(run.counts).toMatchObject({ created: 1, updated: 1, deactivated: 1, failed: 0, skipped: 0 });
      const abm = abmUsers(harness.pair.abm);
      expect(abm.find((u) => u.externalId === first)?.department).toBe("Legal");
      expect(abm.find((u) => u.externalId === second)?.active).toBe(false);
      expect(abm.find((u) => u.externalId === created.id)?.active).toBe(true);
      expect(duplicatesIn(abm)).toEqual([]);
    });

    it("a new user takes over the ABM user of a hard-deleted one with the same userName", async () => {
      const id = [...harness.graph.store.users.keys()][5] as string;
      const upn = String(harness.graph.store.users.get(id)?.user.userPrincipalName);
      harness.graph.store.deleteUser(id, true);
      const removed = await harness.sync();
      expect(removed.counts).toMatchObject({ deactivated: 1, failed: 0 });
      const before = abmByUserName(upn);
      expect(before).toHaveLength(1);

      const successor = harness.graph.store.createUser({
        givenName: "Successor",
        surname: "User",
        displayName: "Successor User",
        userPrincipalName: upn,
        mail: upn,
        accountEnabled: true,
      });
      const run = await harness.sync();
      expect(run.counts).toMatchObject({ adopted: 1, created: 0, failed: 0 });
      const after = abmByUserName(upn);
      expect(after).toHaveLength(1);
      expect(after[0]?.id).toBe(before[0]?.id);
      expect(after[0]).toMatchObject({ externalId: successor.id, active: true, givenName: "Successor" });
      expect(duplicatesIn(abmUsers(harness.pair.abm))).toEqual([]);
    });
  });
}
