import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { EngineEvent } from "#core/engine/context.js";
import type { LogFields, Logger } from "#core/logger.js";
import { createE2eDatabase, type E2eHarness, e2eDatabaseKinds, startE2e } from "#test/support/e2e.js";
import { abmUsers, byExternalId, duplicatesIn, scopeIds, validUsers } from "./support/model.js";

/**
 * One bad value must not stop the sync (issue 13, item 7): a NUL character or a lone UTF-16
 * surrogate in a mapped Entra value used to fail every cycle at the database ("unsupported Unicode
 * escape sequence", "invalid input syntax for type json") after the ABM writes, leave the run
 * `running`, and block every later deprovisioning. Now such a user is escrowed with a reason and a
 * fix, the others sync; and a store failure ends the run `failed`, logged, with the alert raised.
 */
interface LogLine {
  readonly level: string;
  readonly fields: LogFields;
  readonly message: string;
}

function recordingLogger(lines: LogLine[], bound: LogFields = {}): Logger {
  const at =
    (level: string) =>
    (fields: LogFields, message: string): void => {
      lines.push({ level, fields: { ...bound, ...fields }, message });
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (fields) => recordingLogger(lines, { ...bound, ...fields }),
  };
}

/** the database refuses every write to user_links (a full disk, a lost connection, a value we did not foresee) */
async function refuseLinkWrites(h: E2eHarness): Promise<() => Promise<void>> {
  const db = h.services().database.db;
  await db.execute(sql`
    create or replace function refuse_links() returns trigger language plpgsql as $$
    begin raise exception 'disk full (injected)'; end $$`);
  await db.execute(sql`
    create trigger refuse_links before insert or update or delete on user_links
    for each row execute function refuse_links()`);
  return async () => {
    await db.execute(sql`drop trigger refuse_links on user_links`);
  };
}

/** several real cycles each; room for a loaded machine */
const TIMEOUT_MS = 120_000;

for (const kind of e2eDatabaseKinds()) {
  describe(`bad values in Entra and store failures [${kind}]`, () => {
    let harness: E2eHarness | undefined;
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });

    it(
      "escrows a user whose department holds NUL or a lone surrogate, syncs the others, and still deprovisions",
      async () => {
        const h = await startE2e({
          database: await createE2eDatabase(kind),
          emulators: { users: 12, seed: 7, problemRate: 0 },
        });
        harness = h;
        const { graph, abm } = h.pair;
        const nul = graph.store.createUser({
          givenName: "Nul",
          surname: "Byte",
          userPrincipalName: "nul.byte@contoso.com",
          mail: "nul.byte@contoso.com",
          department: "Sales\u0000Ops",
        }).id;
        const surrogate = graph.store.createUser({
          givenName: "Lone",
          surname: "Surrogate",
          userPrincipalName: "lone.surrogate@contoso.com",
          mail: "lone.surrogate@contoso.com",
          department: "R&D \ud800",
        }).id;
        const good = [...validUsers(graph, scopeIds(graph, "all")).keys()].filter(
          (id) => id !== nul && id !== surrogate,
        );
        expect(good.length).toBeGreaterThan(5);

        const first = await h.sync();
        expect(first.outcome).not.toBe("failed");
        const synced = byExternalId(abmUsers(abm));
        for (const id of good) expect(synced.get(id)?.active).toBe(true);
        expect(synced.has(nul)).toBe(false);
        expect(synced.has(surrogate)).toBe(false);

        const failures = await h.connection().engine.failures();
        if (!failures.ok) throw failures.error;
        const failing = new Map(failures.value.map((f) => [f.entraId, f] as const));
        for (const id of [nul, surrogate]) {
          const failure = failing.get(id);
          expect(failure?.code).toBe("validation.invalid_characters");
          expect(failure?.reason).toMatch(/department/);
          expect(failure?.fix).toMatch(/Department \(Job information\) in Entra/);
        }
        expect(failing.get(nul)?.reason).toContain("U+0000");
        expect(failing.get(surrogate)?.reason).toContain("U+D800");

        // a later deletion of another user is still deprovisioned while the bad users exist
        const leaver = good[0] as string;
        graph.store.deleteUser(leaver, false);
        const second = await h.sync();
        expect(second.outcome).not.toBe("failed");
        expect(second.counts.deactivated).toBe(1);
        expect(byExternalId(abmUsers(abm)).get(leaver)?.active).toBe(false);

        // a full cycle too (every user validated together, ABM listed)
        const full = await h.sync("full");
        expect(full.outcome).not.toBe("failed");

        // once fixed in Entra, the user is synced
        graph.store.patchUser(nul, { department: "Sales Ops" });
        await h.sync();
        expect(byExternalId(abmUsers(abm)).get(nul)).toMatchObject({ active: true, department: "Sales Ops" });

        const history = await h.connection().engine.history(10);
        if (!history.ok) throw history.error;
        expect(history.value.map((r) => r.outcome)).not.toContain("running");
        expect(duplicatesIn(abmUsers(abm))).toEqual([]);
      },
      TIMEOUT_MS,
    );

    it(
      "a store failure ends the run (cycle or provision) failed at once, logs it and raises the cycle alert; the next cycle recovers",
      async () => {
        const lines: LogLine[] = [];
        const h = await startE2e({
          database: await createE2eDatabase(kind),
          emulators: { users: 6, seed: 3, problemRate: 0 },
          logger: recordingLogger(lines),
        });
        harness = h;
        const { graph, abm } = h.pair;
        await h.sync();
        const events: EngineEvent[] = [];
        const unsubscribe = h.connection().events.subscribe((event) => {
          events.push(event);
        });

        const restore = await refuseLinkWrites(h);
        const newcomer = graph.store.createUser({
          givenName: "Ada",
          surname: "Store",
          userPrincipalName: "ada.store@contoso.com",
          mail: "ada.store@contoso.com",
        }).id;

        const broken = await h.connection().engine.runCycle({
          kind: "incremental",
          trigger: "schedule",
          actor: { id: "system", platform: "system" },
        });
        const history = await h.connection().engine.history(1);
        if (!history.ok) throw history.error;
        const [last] = history.value;
        expect(last?.outcome).toBe("failed");
        expect(last?.finishedAt).not.toBeNull();
        expect(last?.error?.code).toBe("db.query_failed");
        if (broken.ok) expect(broken.value.outcome).toBe("failed");
        const logged = lines.find((l) => l.level === "error" && l.fields.runId === last?.id);
        expect(logged?.fields.code).toBe("db.query_failed");
        const finished = events.find((e) => e.type === "run_finished");
        expect(finished?.type === "run_finished" ? finished.run : null).toMatchObject({
          id: last?.id,
          outcome: "failed",
          error: { code: "db.query_failed" },
        });
        unsubscribe();

        // `provision <user>` runs the same way: its run ends failed, never running
        const single = graph.store.createUser({
          givenName: "Sol",
          surname: "Single",
          userPrincipalName: "sol.single@contoso.com",
          mail: "sol.single@contoso.com",
        }).id;
        const provisioned = await h.connection().engine.provisionUser(single, { id: "cli:e2e", platform: "cli" });
        expect(provisioned.ok).toBe(false);
        const afterSingle = await h.connection().engine.history(1);
        if (!afterSingle.ok) throw afterSingle.error;
        expect(afterSingle.value[0]).toMatchObject({ kind: "single_user", outcome: "failed" });

        await restore();
        const recovered = await h.sync();
        expect(recovered.outcome).toBe("succeeded");
        expect(byExternalId(abmUsers(abm)).get(newcomer)?.active).toBe(true);
        expect(byExternalId(abmUsers(abm)).get(single)?.active).toBe(true);
        expect(duplicatesIn(abmUsers(abm))).toEqual([]);
      },
      TIMEOUT_MS,
    );

    it(
      "an approval run whose store write fails ends failed too (not running), logged and announced",
      async () => {
        const lines: LogLine[] = [];
        const h = await startE2e({
          database: await createE2eDatabase(kind),
          emulators: { users: 8, seed: 5, problemRate: 0 },
          env: { DELETION_THRESHOLD: "1", ABM_APPROVALS_REQUIRED: "1" },
          logger: recordingLogger(lines),
        });
        harness = h;
        const { graph } = h.pair;
        await h.sync();
        const leavers = [...validUsers(graph, scopeIds(graph, "all")).keys()].slice(0, 3);
        for (const id of leavers) graph.store.deleteUser(id, false);
        expect((await h.sync()).outcome).toBe("held");
        const approvalId = (await h.connection().approvals.pending())?.id ?? "";

        const events: EngineEvent[] = [];
        const unsubscribe = h.connection().events.subscribe((event) => {
          events.push(event);
        });
        const restore = await refuseLinkWrites(h);
        await h.connection().cliChat.handle({
          actor: { platform: "cli", id: "cli:e2e" },
          text: `approve ${approvalId}`,
          conversation: { platform: "cli", channelId: "cli" },
        });
        await restore();
        unsubscribe();

        const history = await h.connection().engine.history(10);
        if (!history.ok) throw history.error;
        const approvalRun = history.value.find((r) => r.trigger === "approval");
        expect(approvalRun).toMatchObject({ outcome: "failed", error: { code: "db.query_failed" } });
        expect(history.value.map((r) => r.outcome)).not.toContain("running");
        expect(lines.some((l) => l.level === "error" && l.fields.runId === approvalRun?.id)).toBe(true);
        const finished = events.find((e) => e.type === "run_finished");
        expect(finished?.type === "run_finished" ? finished.run.outcome : null).toBe("failed");
      },
      TIMEOUT_MS,
    );
  });
}
