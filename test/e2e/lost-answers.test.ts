import { afterEach, describe, expect, it } from "vitest";
import { createE2eDatabase, type E2eHarness, e2eDatabaseKinds, startE2e } from "#test/support/e2e.js";
import { abmUsers, duplicatesIn } from "./support/model.js";
import type { ProxyAction, RecordedRequest, RecordingProxy } from "./support/recording-proxy.js";

/**
 * ABM did the work but the answer never arrived, and every look-up afterwards failed too: the create
 * is recorded as failed while ABM holds the user. When that user then leaves Entra, the engine must
 * still deactivate the ABM account it may have created; and a user that really never reached ABM
 * leaves the failure list when it leaves Entra.
 */
const createOf = (userName: string) => (r: RecordedRequest) =>
  r.method === "POST" && r.path === "/Users" && (r.body as { userName?: string } | null)?.userName === userName;
const lookupOf = (entraId: string) => (r: RecordedRequest) => r.method === "GET" && r.path.includes(entraId);

for (const kind of e2eDatabaseKinds()) {
  describe(`answers lost after ABM did the work [${kind}]`, () => {
    let harness: E2eHarness | undefined;
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });

    const start = async (): Promise<{ h: E2eHarness; proxy: RecordingProxy }> => {
      const h = await startE2e({
        database: await createE2eDatabase(kind),
        emulators: { users: 5, seed: 3, problemRate: 0 },
        env: { SYNC_CONCURRENCY: "2" },
        recordScim: true,
      });
      harness = h;
      return { h, proxy: h.proxy as RecordingProxy };
    };
    const newUser = (h: E2eHarness, local: string): string =>
      h.graph.store.createUser({
        givenName: "Lou",
        surname: "Stanswer",
        userPrincipalName: `${local}@contoso.com`,
        mail: `${local}@contoso.com`,
      }).id;
    const errorsOf = async (h: E2eHarness): Promise<string[]> => {
      const failures = await h.connection().engine.failures();
      if (!failures.ok) throw failures.error;
      return failures.value.map((f) => f.entraId);
    };

    it.each([
      ["deleted", (h: E2eHarness, id: string) => h.graph.store.deleteUser(id, false)],
      ["hard-deleted", (h: E2eHarness, id: string) => h.graph.store.deleteUser(id, true)],
      ["disabled", (h: E2eHarness, id: string) => h.graph.store.patchUser(id, { accountEnabled: false })],
    ] as const)("a user created in ABM whose answer was lost, then %s in Entra, is deactivated", async (_, remove) => {
      const { h, proxy } = await start();
      expect((await h.sync()).counts.created).toBe(5);

      const id = newUser(h, "lou.stanswer");
      const create = createOf("lou.stanswer@contoso.com");
      const lookup = lookupOf(id);
      let lost = false;
      // the POST reaches ABM but its answer is lost; every look-up after it fails
      proxy.intercept = (r): ProxyAction => {
        if (create(r)) {
          lost = true;
          return "lose-answer";
        }
        // 400 is not retried, which keeps the test short; 503s would end the same way after back-off
        return lost && (lookup(r) || r.method === "POST") ? { status: 400 } : "forward";
      };
      const failed = await h.sync();
      expect(failed.counts).toMatchObject({ created: 0, failed: 1 });
      const held = abmUsers(h.pair.abm).find((u) => u.externalId === id);
      expect(held).toMatchObject({ active: true, userName: "lou.stanswer@contoso.com" });
      expect(await errorsOf(h)).toEqual([id]);

      proxy.intercept = () => "forward";
      remove(h, id);
      expect((await h.sync()).counts).toMatchObject({ deactivated: 1, failed: 0 });
      expect(abmUsers(h.pair.abm).find((u) => u.externalId === id)).toMatchObject({ active: false });
      expect(await errorsOf(h)).toEqual([]);
      // a full cycle afterwards agrees: nothing left to do
      expect((await h.sync("full")).counts).toMatchObject({ created: 0, adopted: 0, deactivated: 0, failed: 0 });
      expect(duplicatesIn(abmUsers(h.pair.abm))).toEqual([]);
    });

    it("a user whose create truly failed, then deleted in Entra, is never created and leaves the failure list", async () => {
      const { h, proxy } = await start();
      await h.sync();
      const id = newUser(h, "never.there");
      const create = createOf("never.there@contoso.com");
      proxy.intercept = (r): ProxyAction => (create(r) ? { status: 400 } : "forward");
      expect((await h.sync()).counts).toMatchObject({ created: 0, failed: 1 });
      expect(await errorsOf(h)).toEqual([id]);

      proxy.intercept = () => "forward";
      h.graph.store.deleteUser(id, false);
      expect((await h.sync()).counts).toMatchObject({ created: 0, deactivated: 0, failed: 0 });
      expect(await errorsOf(h)).toEqual([]);
      await h.sync("full");
      expect(abmUsers(h.pair.abm).some((u) => u.externalId === id)).toBe(false);
      expect(await errorsOf(h)).toEqual([]);
    });
  });
}
