import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI_ACTOR, createE2eDatabase, type E2eHarness, e2eDatabaseKinds, startE2e } from "#test/support/e2e.js";
import { abmUsers } from "./support/model.js";

/** `sync --dry-run` changes nothing anywhere; `check` and `provision` for valid, invalid and unknown users. */
const writes = (harness: E2eHarness): number => {
  const byMethod = harness.pair.abm.stats().byMethod;
  return ["POST", "PATCH", "PUT", "DELETE"]
    .flatMap((m) => Object.values(byMethod[m] ?? {}))
    .reduce((sum, n) => sum + n, 0);
};

for (const kind of e2eDatabaseKinds()) {
  describe(`dry run, check and provision [${kind}]`, () => {
    let harness: E2eHarness;
    let invalidId: string;
    const engine = () => harness.connection().engine;
    const addUser = (local: string, extra: Record<string, unknown> = {}): string =>
      harness.graph.store.createUser({
        givenName: "Dora",
        surname: "Ryan",
        userPrincipalName: `${local}@contoso.com`,
        mail: `${local}@contoso.com`,
        department: "Finance",
        ...extra,
      }).id;

    beforeAll(async () => {
      harness = await startE2e({
        database: await createE2eDatabase(kind),
        emulators: { users: 30, seed: 19, problemRate: 0 },
      });
      invalidId = addUser("nogiven.user", { givenName: null });
    });
    afterAll(async () => {
      await harness?.close();
    });

    it("sync --dry-run (initial) plans everything, sends nothing, records nothing, moves no watermark", async () => {
      const dry = await engine().runCycle({ kind: "full", trigger: "cli", actor: CLI_ACTOR, dryRun: true });
      if (!dry.ok) throw dry.error;
      expect(dry.value.counts).toMatchObject({ created: 30, skipped: 1, failed: 0 });
      expect(writes(harness)).toBe(0);
      expect(abmUsers(harness.pair.abm)).toEqual([]);
      const history = await engine().history(10);
      if (!history.ok) throw history.error;
      expect(history.value).toEqual([]);
      const failures = await engine().failures();
      if (!failures.ok) throw failures.error;
      expect(failures.value).toEqual([]);

      const real = await harness.sync();
      expect(real.kind).toBe("initial");
      expect(real.counts).toMatchObject({ created: 30, skipped: 1 });
    });

    it("sync --dry-run (incremental) shows the pending update without sending it; the real cycle still gets it", async () => {
      const target = [...harness.graph.store.users.keys()][0] as string;
      harness.graph.store.patchUser(target, { department: "Dry" });
      const before = writes(harness);
      const dry = await engine().runCycle({ kind: "incremental", trigger: "cli", actor: CLI_ACTOR, dryRun: true });
      if (!dry.ok) throw dry.error;
      expect(dry.value.counts).toMatchObject({ updated: 1, created: 0 });
      expect(writes(harness)).toBe(before);
      expect(abmUsers(harness.pair.abm).find((u) => u.externalId === target)?.department).not.toBe("Dry");
      const real = await harness.sync();
      expect(real.counts).toMatchObject({ updated: 1 });
      expect(abmUsers(harness.pair.abm).find((u) => u.externalId === target)?.department).toBe("Dry");
    });

    it("check: a valid user shows the payload and its ABM user", async () => {
      const id = [...harness.graph.store.users.keys()][1] as string;
      const upn = String(harness.graph.store.users.get(id)?.user.userPrincipalName);
      const check = await engine().checkUser(upn);
      if (!check.ok) throw check.error;
      expect(check.value.source?.id).toBe(id);
      expect(check.value.inScope).toBe(true);
      expect(check.value.problems).toEqual([]);
      expect(check.value.payload).toMatchObject({ userName: upn, externalId: id, active: true });
      expect(check.value.target).toMatchObject({ userName: upn, externalId: id, active: true });
      expect(check.value.notes.join(" ")).toMatch(/Linked to ABM user/);
    });

    it("check: an invalid user lists its problems with fixes and the last result; an unknown one says so", async () => {
      const check = await engine().checkUser("nogiven.user@contoso.com");
      if (!check.ok) throw check.error;
      expect(check.value.source?.id).toBe(invalidId);
      expect(check.value.problems.map((p) => p.code)).toEqual(["validation.missing_given_name"]);
      expect(check.value.problems[0]?.fix).toMatch(/First name/);
      expect(check.value.target).toBeNull();
      expect(check.value.lastResult).toMatchObject({ status: "failed" });
      expect(check.value.lastResult?.detail).toContain("validation.missing_given_name");

      const unknown = await engine().checkUser("nobody.here@contoso.com");
      if (!unknown.ok) throw unknown.error;
      expect(unknown.value).toMatchObject({ source: null, inScope: false, problems: [], payload: null, target: null });
      expect(unknown.value.scopeReason).toMatch(/No such user/);
    });

    it("provision: a new valid user is created now; again → nothing to change", async () => {
      const id = addUser("dora.ondemand");
      const before = writes(harness);
      const result = await engine().provisionUser("dora.ondemand@contoso.com", CLI_ACTOR);
      if (!result.ok) throw result.error;
      expect(result.value).toMatchObject({ entraId: id, action: "create", status: "succeeded" });
      expect(result.value.steps.map((s) => s.name)).toEqual(["import", "scoping", "matching", "export"]);
      expect(writes(harness) - before).toBe(1);
      expect(abmUsers(harness.pair.abm).filter((u) => u.externalId === id)).toHaveLength(1);

      const again = await engine().provisionUser(id, CLI_ACTOR);
      if (!again.ok) throw again.error;
      expect(again.value).toMatchObject({ action: "none", status: "skipped" });
      expect(writes(harness) - before).toBe(1);
      // the next cycle neither recreates nor duplicates it
      const run = await harness.sync();
      expect(run.counts).toMatchObject({ created: 0, adopted: 0, failed: 0 });
      expect(abmUsers(harness.pair.abm).filter((u) => u.externalId === id)).toHaveLength(1);
    });

    it("provision: an invalid user is skipped with the problem and fix; an unknown one is an error", async () => {
      const before = writes(harness);
      const result = await engine().provisionUser("nogiven.user@contoso.com", CLI_ACTOR);
      if (!result.ok) throw result.error;
      expect(result.value).toMatchObject({ entraId: invalidId, action: "skip", status: "skipped" });
      expect(result.value.detail).toMatch(/first name/i);
      expect(result.value.detail).toMatch(/Fix:/);
      expect(writes(harness)).toBe(before);

      const unknown = await engine().provisionUser("nobody.here@contoso.com", CLI_ACTOR);
      expect(unknown.ok).toBe(false);
      if (!unknown.ok) expect(unknown.error.code).toBe("engine.user_not_found");
      expect(writes(harness)).toBe(before);
    });
  });
}
