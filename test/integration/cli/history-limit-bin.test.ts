import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "#db/client.js";
import { ensureConnection } from "#db/repositories/connection-repository.js";
import { createEngineStore } from "#db/repositories/engine-store.js";
import { seedPgliteDataDir } from "#test/support/pglite-template.js";
import { type AbmRun, runAbm } from "./run-abm.js";

/** the connection every single-connection service opens (src/app/services.ts) */
const CONNECTION_ID = "con_default";
const RUNS = 57;
/** one `abm` process opens PGlite and runs tsx: seconds each, far more on a loaded machine */
const STEP_MS = 90_000;

const runId = (n: number) => `run_hist_${n.toString().padStart(3, "0")}`;

function json(run: AbmRun): Record<string, unknown> {
  expect(run.code, run.stderr).toBe(0);
  const lines = run.stdout.trim().split("\n");
  expect(lines, "exactly one JSON document on stdout").toHaveLength(1);
  return JSON.parse(lines[0] ?? "") as Record<string, unknown>;
}

/** The run ids a text answer lists, in order (each run line starts with its id in backticks or quotes). */
function idsInText(run: AbmRun): string[] {
  expect(run.code, run.stderr).toBe(0);
  return [...run.stdout.matchAll(/run_hist_\d{3}/g)].map((m) => m[0]);
}

/**
 * Issue 14: `abm history --limit N` shows N runs in the text AND the JSON answer (the text used to
 * stop at a fixed page), and the default is 20 in both. The runs are written straight into the
 * data directory the spawned CLI then opens (no service, no emulator: history reads the database).
 */
describe("abm history --limit (the real bin, native engine data directory)", () => {
  let dataDir: string;
  let env: Record<string, string>;
  const abm = (...args: string[]) => runAbm(args, env, STEP_MS);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "abm-cli-history-"));
    await seedPgliteDataDir(dataDir); // the runs go into an existing database: no first start here
    const opened = await openDatabase({ dataDir });
    if (!opened.ok) throw opened.error;
    const database = opened.value;
    try {
      const base = Date.UTC(2026, 10, 1, 8, 0, 0);
      await ensureConnection(database.db, {
        id: CONNECTION_ID,
        name: "default",
        engine: "native",
        scope: "all",
        now: new Date(base),
      });
      const store = createEngineStore(database.db, CONNECTION_ID, () => new Date(base));
      for (let n = 1; n <= RUNS; n++) {
        const startedAt = new Date(base + n * 40 * 60_000);
        await store.startRun({
          id: runId(n),
          kind: n === 1 ? "initial" : "incremental",
          trigger: "schedule",
          actor: "scheduler",
          startedAt,
        });
        await store.finishRun(runId(n), {
          finishedAt: new Date(startedAt.getTime() + 5_000),
          outcome: "succeeded",
          counts: { created: n, adopted: 0, updated: 0, deactivated: 0, deleted: 0, skipped: 0, failed: 0, held: 0 },
          error: null,
        });
      }
    } finally {
      await database.close();
    }
    // nothing here is reached by `history`: unroutable targets make any network call fail loudly
    env = {
      ABM_DATA_DIR: dataDir,
      ABM_SCIM_URL: "http://127.0.0.1:9/scim",
      ABM_SCIM_TOKEN: "history-test-token",
      AZURE_TENANT_ID: "00000000-0000-0000-0000-000000000014",
      AZURE_CLIENT_ID: "00000000-0000-0000-0000-000000000015",
      AZURE_CLIENT_SECRET: "history-test-secret",
      AZURE_AUTHORITY_HOST: "https://127.0.0.1:9",
      GRAPH_BASE_URL: "https://127.0.0.1:9",
      SYNC_SCOPE: "all",
      LOG_FORMAT: "json",
    };
  }, 120_000);
  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
  });

  const newest = (count: number) => Array.from({ length: count }, (_, i) => runId(RUNS - i));

  it(
    "--limit 50 gives the 50 newest runs as JSON and as text",
    async () => {
      const doc = json(await abm("history", "--limit", "50", "--json"));
      expect(doc.ok).toBe(true);
      expect((doc.runs as { id: string }[]).map((r) => r.id)).toEqual(newest(50));

      const text = await abm("history", "--limit", "50");
      expect(idsInText(text)).toEqual(newest(50));
      expect(text.stdout).not.toContain(runId(RUNS - 50));
    },
    3 * STEP_MS,
  );

  it(
    "without --limit both give the 20 newest",
    async () => {
      const doc = json(await abm("history", "--json"));
      expect((doc.runs as { id: string }[]).map((r) => r.id)).toEqual(newest(20));

      const text = await abm("history");
      expect(idsInText(text)).toEqual(newest(20));
    },
    3 * STEP_MS,
  );
});
