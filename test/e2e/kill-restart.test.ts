import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import type { AbmEmulator } from "#emulators/abm/server.js";
import { createE2eDatabase, type E2eHarness, e2eDatabaseKinds, offsetClock, startE2e } from "#test/support/e2e.js";
import type { ChildInput } from "./support/child-input.js";
import { abmUsers, byExternalId, duplicatesIn, invalidIds, scopeIds, validUsers } from "./support/model.js";

/**
 * Crash safety: a child process runs a cycle against the emulators of this process and is killed
 * with SIGKILL after N ABM POSTs: twice in an initial cycle (N = 25, then 90 more after the
 * restart) and once in an incremental cycle (N = 40); a fresh run afterwards leaves ABM with exactly the expected users and no duplicate.
 * Each restart happens "later" (a clock offset past the 30 min cycle lease the killed process held).
 */
const CHILD = fileURLToPath(new URL("./support/run-cycle.ts", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const LATER = 31 * 60 * 1000;
const CHILD_TIMEOUT_MS = 45_000;
/**
 * three child processes (each loads the whole service and opens the database) on a busy 2-core box:
 * each has its own CHILD_TIMEOUT_MS deadline, so the test's budget covers all three plus the checks
 */
const TEST_TIMEOUT_MS = 3 * CHILD_TIMEOUT_MS + 45_000;

const posts = (abm: AbmEmulator): number =>
  Object.values(abm.stats().byMethod.POST ?? {}).reduce((sum, n) => sum + n, 0);

function childInput(harness: E2eHarness, clockOffsetMs: number): ChildInput {
  const { graph, abm } = harness.pair;
  return {
    graph: {
      baseUrl: graph.baseUrl,
      authorityHost: graph.authorityHost,
      tenantId: graph.tenantId,
      clientId: graph.clientId,
      clientSecret: graph.clientSecret,
      servicePrincipalId: graph.servicePrincipalId,
      caCertPath: graph.caCertPath,
      verifiedDomain: graph.verifiedDomain,
    },
    abm: { scimUrl: abm.scimUrl, token: abm.token },
    dataDir: harness.database.dataDir,
    ...(harness.database.databaseUrl === undefined ? {} : { databaseUrl: harness.database.databaseUrl }),
    clockOffsetMs,
    env: { ...harness.env() },
  };
}

/** Runs one cycle in a child process and SIGKILLs it once `n` more POSTs reached ABM (bounded in time). */
async function killAfterPosts(harness: E2eHarness, n: number, clockOffsetMs: number): Promise<number> {
  const abm = harness.pair.abm;
  const base = posts(abm);
  const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
    cwd: ROOT,
    env: { ...process.env, E2E_CHILD: JSON.stringify(childInput(harness, clockOffsetMs)) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
  });
  let done: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  void exited.then((result) => {
    done = result;
  });
  const deadline = Date.now() + CHILD_TIMEOUT_MS;
  try {
    while (done === null && posts(abm) - base < n && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
  } finally {
    child.kill("SIGKILL");
  }
  const result = await exited;
  // it must have died mid-cycle by our hand, not finished or failed on its own
  expect({ ...result, output: result.signal === "SIGKILL" ? "" : output }).toEqual({
    code: null,
    signal: "SIGKILL",
    output: "",
  });
  expect(posts(abm) - base).toBeGreaterThanOrEqual(n);
  return posts(abm) - base;
}

for (const kind of e2eDatabaseKinds()) {
  describe(`kill -9 and restart [${kind}]`, () => {
    let harness: E2eHarness | undefined;
    afterEach(async () => {
      await harness?.close();
      harness = undefined;
    });

    it(
      "SIGKILL twice in an initial cycle and once in an incremental one: no duplicates, the expected set",
      async () => {
        const h = await startE2e({
          database: await createE2eDatabase(kind, { persistent: true }),
          emulators: { users: 300, seed: 17, problemRate: 0.05 },
          env: { SYNC_CONCURRENCY: "4" },
        });
        harness = h;
        const { graph, abm } = h.pair;
        abm.setFaults({ latencyMs: 3 });
        await h.release(); // the database is migrated; from now on child processes open it

        let restarts = 0;
        for (const n of [25, 90]) {
          restarts += 1;
          await killAfterPosts(h, n, restarts * LATER);
          expect(duplicatesIn(abmUsers(abm))).toEqual([]);
        }
        restarts += 1;
        await h.reopen({ clock: offsetClock(restarts * LATER) });
        const fresh = await h.sync();
        expect(fresh.kind).toBe("initial"); // the watermark never moved: a full read that re-matches ABM
        expect(fresh.outcome).toBe("succeeded");
        expect(fresh.counts.adopted).toBeGreaterThanOrEqual(110);

        const inScope = scopeIds(graph, "all");
        let valid = validUsers(graph, inScope);
        let users = abmUsers(abm);
        expect(duplicatesIn(users)).toEqual([]);
        expect(new Set(byExternalId(users).keys())).toEqual(new Set(valid.keys()));
        expect(users).toHaveLength(valid.size);
        const failures = await h.connection().engine.failures();
        if (!failures.ok) throw failures.error;
        expect(new Set(failures.value.map((f) => f.entraId))).toEqual(invalidIds(graph, inScope));
        const history = await h.connection().engine.history(20);
        if (!history.ok) throw history.error;
        expect(history.value.filter((r) => r.error?.code === "engine.interrupted")).toHaveLength(2);

        // an incremental cycle with 80 new users and 40 updates, killed after 40 POSTs
        const store = graph.store;
        const existing = [...valid.keys()].slice(0, 40);
        for (const id of existing) store.patchUser(id, { department: "After the crash" });
        for (let i = 0; i < 80; i++) {
          store.createUser({
            givenName: "Kim",
            surname: `Killed${i}`,
            userPrincipalName: `kim.killed${i}@contoso.com`,
            mail: `kim.killed${i}@contoso.com`,
          });
        }
        await h.release();
        restarts += 1;
        await killAfterPosts(h, 40, restarts * LATER);
        restarts += 1;
        await h.reopen({ clock: offsetClock(restarts * LATER) });
        const resumed = await h.sync();
        expect(resumed.kind).toBe("incremental");
        expect(resumed.outcome).toBe("succeeded");
        expect(resumed.counts.adopted).toBeGreaterThanOrEqual(35); // the killed run's creates, found again

        valid = validUsers(graph, scopeIds(graph, "all"));
        users = abmUsers(abm);
        expect(duplicatesIn(users)).toEqual([]);
        const stored = byExternalId(users);
        expect(new Set(stored.keys())).toEqual(new Set(valid.keys()));
        for (const id of existing) expect(stored.get(id)?.department).toBe("After the crash");

        const settled = await h.sync();
        expect(settled.counts).toMatchObject({ created: 0, adopted: 0, updated: 0, deactivated: 0, failed: 0 });
      },
      TEST_TIMEOUT_MS,
    );
  });
}
