import { afterEach, describe, expect, it } from "vitest";
import { assignDemoScope } from "#app/emulators.js";
import { createE2eDatabase, type E2eHarness, e2eDatabaseKinds, startE2e } from "#test/support/e2e.js";
import { abmUsers, byExternalId, duplicatesIn, invalidIds, scopeIds, validUsers } from "./support/model.js";

/** Initial sync of 1,000 users through the real Graph and SCIM clients, scope `all` and `assigned`. */
const VALIDATION_CODES = [
  "validation.missing_given_name",
  "validation.missing_family_name",
  "validation.guest_user",
  "validation.domain_not_verified",
  "validation.duplicate_user_name",
];

for (const kind of e2eDatabaseKinds()) {
  describe(`initial sync of 1,000 users [${kind}]`, () => {
    let harness: E2eHarness | undefined;
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });

    it("scope all: ABM ends with exactly the valid users, the invalid ones are failures with codes", async () => {
      harness = await startE2e({
        database: await createE2eDatabase(kind),
        emulators: { users: 1000, seed: 7, problemRate: 0.05 },
      });
      const { graph, abm } = harness.pair;
      const inScope = scopeIds(graph, "all");
      const valid = validUsers(graph, inScope);
      const invalid = invalidIds(graph, inScope);
      expect(inScope.size).toBe(1000);
      expect(invalid.size).toBeGreaterThan(20); // the seeded problems are there to be caught

      const run = await harness.sync();
      expect(run.kind).toBe("initial");
      expect(run.outcome).toBe("succeeded");
      expect(run.counts).toMatchObject({ created: valid.size, adopted: 0, skipped: invalid.size, failed: 0, held: 0 });

      const users = abmUsers(abm);
      expect(duplicatesIn(users)).toEqual([]);
      const stored = byExternalId(users);
      expect(users).toHaveLength(valid.size);
      expect(new Set(stored.keys())).toEqual(new Set(valid.keys()));
      for (const expected of valid.values()) {
        const got = stored.get(expected.entraId);
        expect(got).toMatchObject({
          userName: expected.userName,
          active: true,
          givenName: expected.givenName,
          familyName: expected.familyName,
          department: expected.department,
        });
      }

      const failures = await harness.connection().engine.failures();
      if (!failures.ok) throw failures.error;
      expect(new Set(failures.value.map((f) => f.entraId))).toEqual(invalid);
      for (const f of failures.value) {
        expect(VALIDATION_CODES).toContain(f.code);
        expect(f.fix.length).toBeGreaterThan(10);
        expect(f.nextRetryAt).toBeNull(); // invalid data waits for a change in Entra, not a timer
      }
      const codes = new Set(failures.value.map((f) => f.code));
      expect(codes).toContain("validation.guest_user");
      expect(codes).toContain("validation.missing_given_name");

      // a second cycle is incremental and changes nothing
      const posts = abm.stats().byMethod.POST?.["201"] ?? 0;
      const again = await harness.sync();
      expect(again.kind).toBe("incremental");
      expect(again.counts).toMatchObject({ created: 0, updated: 0, deactivated: 0, failed: 0 });
      expect(abm.stats().byMethod.POST?.["201"] ?? 0).toBe(posts);
      expect(abm.stats().byMethod.PATCH).toBeUndefined();
    });

    it("scope assigned: direct members of assigned groups and direct assignments only, nested groups not expanded", async () => {
      harness = await startE2e({
        database: await createE2eDatabase(kind),
        emulators: { users: 1000, seed: 8, problemRate: 0.05 },
        env: { SYNC_SCOPE: "assigned" },
      });
      const { graph, abm } = harness.pair;
      const { assigned } = assignDemoScope(graph);
      const inScope = scopeIds(graph, "assigned");
      expect(inScope.size).toBe(assigned);
      const valid = validUsers(graph, inScope);
      const nested = [...graph.store.groups.values()].find((g) => g.displayName.startsWith("Contractors"));
      const nestedOnly = [...(nested?.members ?? [])].filter((id) => graph.store.users.has(id) && !inScope.has(id));
      expect(nestedOnly.length).toBeGreaterThan(50);

      const run = await harness.sync();
      expect(run.outcome).toBe("succeeded");
      expect(run.counts.created).toBe(valid.size);

      const users = abmUsers(abm);
      expect(duplicatesIn(users)).toEqual([]);
      expect(new Set(byExternalId(users).keys())).toEqual(new Set(valid.keys()));
      const stored = new Set(users.map((u) => u.externalId));
      expect(nestedOnly.filter((id) => stored.has(id))).toEqual([]);

      const failures = await harness.connection().engine.failures();
      if (!failures.ok) throw failures.error;
      expect(new Set(failures.value.map((f) => f.entraId))).toEqual(invalidIds(graph, inScope));

      // the next cycle neither re-reads nor re-skips the invalid users (they wait for a change in
      // Entra): an incremental cycle stays incremental and touches nobody
      const again = await harness.sync();
      expect(again.kind).toBe("incremental");
      expect(again.counts).toMatchObject({ created: 0, updated: 0, skipped: 0, failed: 0 });
      const status = await harness.connection().engine.status();
      expect(status.ok && status.value.notes.some((n) => /reads everything/.test(n))).toBe(false);
    });
  });
}
