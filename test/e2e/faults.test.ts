import { afterEach, describe, expect, it } from "vitest";
import type { RunSummary } from "#core/ports/provisioning-engine.js";
import { createE2eDatabase, type E2eHarness, e2eDatabaseKinds, startE2e } from "#test/support/e2e.js";
import { type AbmUser, abmUsers, duplicatesIn, scopeIds, validUsers } from "./support/model.js";

/**
 * 20 % of ABM's answers are faults (429 with a 1 s Retry-After, 503, connections reset after the
 * work was done): after a few cycles ABM holds exactly what it holds without faults, no duplicates.
 */
const FAULTS = { status429Rate: 0.06, retryAfterSeconds: 1, status5xxRate: 0.08, resetRate: 0.06 };
const MAX_CONVERGENCE_CYCLES = 4;

interface Expected {
  readonly userName: string;
  readonly active: boolean;
  readonly department: string | null;
}

function snapshot(users: readonly AbmUser[]): Map<string, Expected> {
  return new Map(
    users.map((u) => [u.externalId ?? u.id, { userName: u.userName, active: u.active, department: u.department }]),
  );
}

for (const kind of e2eDatabaseKinds()) {
  describe(`faults on the ABM side [${kind}]`, () => {
    let harness: E2eHarness | undefined;
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });

    it("converges to the fault-free end state within a few cycles, with no duplicates", async () => {
      const h = await startE2e({
        database: await createE2eDatabase(kind),
        emulators: { users: 60, seed: 13, problemRate: 0.05 },
      });
      harness = h;
      const { graph, abm } = h.pair;
      const store = graph.store;
      abm.setFaults(FAULTS);

      const runs: RunSummary[] = [await h.sync()];
      expect(duplicatesIn(abmUsers(abm))).toEqual([]);
      // what ABM really holds after the first cycle under faults: some creates failed (escrowed),
      // some reached ABM although their answer was lost
      const before = snapshot(abmUsers(abm));

      // changes of every kind, then cycles under the same faults
      const synced = [...validUsers(graph, scopeIds(graph, "all")).keys()];
      const leaving = new Set<string>();
      for (const [i, id] of synced.slice(0, 6).entries()) store.patchUser(id, { department: `Faulty ${i}` });
      for (const id of synced.slice(6, 10)) {
        store.patchUser(id, { accountEnabled: false });
        leaving.add(id);
      }
      for (const id of synced.slice(10, 14)) {
        store.deleteUser(id, false);
        leaving.add(id);
      }
      for (let i = 0; i < 6; i++) {
        store.createUser({
          givenName: "Fay",
          surname: `Ult${i}`,
          userPrincipalName: `fay.ult${i}@contoso.com`,
          mail: `fay.ult${i}@contoso.com`,
        });
      }
      // without faults from here on, ABM would hold every valid active user as Entra has it, and the
      // disabled and deleted users deactivated as ABM held them — or not at all when ABM never had them
      const expected = new Map<string, Expected>();
      for (const [id, u] of validUsers(graph, scopeIds(graph, "all")))
        if (u.active) expected.set(id, { userName: u.userName, active: true, department: u.department });
      for (const id of leaving) {
        const held = before.get(id);
        if (held !== undefined) expected.set(id, { ...held, active: false });
      }

      runs.push(await h.sync());
      for (let i = 0; i < MAX_CONVERGENCE_CYCLES && !sameState(snapshot(abmUsers(abm)), expected); i++) {
        // escrowed failures wait for their back-off; a full cycle re-matches everything now
        runs.push(await h.sync("full"));
        expect(duplicatesIn(abmUsers(abm))).toEqual([]);
      }

      const users = abmUsers(abm);
      expect(duplicatesIn(users)).toEqual([]);
      expect(snapshot(users)).toEqual(expected);
      const injected = abm.stats().injected;
      expect(injected.status429 + injected.status5xx + injected.resets).toBeGreaterThan(10);
      expect(injected.resets).toBeGreaterThan(1);
      expect(runs.length).toBeLessThanOrEqual(2 + MAX_CONVERGENCE_CYCLES);

      // once faults stop and everything is in place, a full cycle changes nothing in ABM; it may only
      // link (adopt) users whose create reached ABM while its answer was lost and whose retry is not
      // yet due — the state above is already right without the link. The cycle after finds nothing.
      abm.setFaults({});
      const calm = await h.sync("full");
      expect(calm.counts).toMatchObject({ created: 0, updated: 0, deactivated: 0, failed: 0 });
      expect(calm.counts.adopted).toBeLessThanOrEqual(injected.resets);
      expect(snapshot(abmUsers(abm))).toEqual(expected);
      const settled = await h.sync("full");
      expect(settled.counts).toMatchObject({ created: 0, adopted: 0, updated: 0, deactivated: 0, failed: 0 });
    });
  });
}

function sameState(a: ReadonlyMap<string, Expected>, b: ReadonlyMap<string, Expected>): boolean {
  if (a.size !== b.size) return false;
  for (const [id, x] of a) {
    const y = b.get(id);
    if (y === undefined || x.userName !== y.userName || x.active !== y.active || x.department !== y.department)
      return false;
  }
  return true;
}
