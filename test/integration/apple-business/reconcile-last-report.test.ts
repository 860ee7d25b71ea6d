import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConnectionTargets, targetsFromEmulators } from "#app/connection.js";
import { assignDemoScope, type EmulatorPair, seedAppleDemo, startEmulators } from "#app/emulators.js";
import { type AppServices, openServices } from "#app/services.js";
import { loadConfig } from "#config/load-config.js";
import { systemClock } from "#core/clock.js";
import { randomIds } from "#core/ids.js";
import { silentLogger } from "#core/logger.js";
import type { MismatchKind } from "#core/reconcile/reconcile.js";
import { abmInProcess } from "#test/support/abm-in-process.js";
import { freshPostgresDatabase } from "#test/support/db.js";

interface LastReconcileJson {
  readonly enabled: boolean;
  readonly lastReconcile: {
    readonly checkedAt: string;
    readonly total: number;
    readonly counts: Record<MismatchKind, number>;
  } | null;
}

/**
 * The last reconcile is kept in the database, not in the process: what one services instance
 * found, another shows on its home screen and in `status` — a restarted process on the same
 * PGlite folder, and (with `TEST_DATABASE_URL`) a second replica on the same Postgres while the
 * first still runs. Real clients against the Graph, SCIM and Apple Business API emulators.
 */
describe("the last reconcile across restarts and replicas", () => {
  let pair: EmulatorPair;
  let targets: ConnectionTargets;
  const opened: AppServices[] = [];
  const env = {};
  const config = loadConfig(env);

  async function services(database: { readonly dataDir: string } | { readonly url: string }): Promise<AppServices> {
    if (!config.ok) throw config.error;
    const result = await openServices({
      config: config.value,
      targets: { default: targets },
      logger: silentLogger,
      clock: systemClock,
      ids: randomIds,
      ...("url" in database ? { databaseUrl: database.url, dataDir: "memory://" } : { dataDir: database.dataDir }),
    });
    if (!result.ok) throw result.error;
    opened.push(result.value);
    return result.value;
  }

  async function close(app: AppServices): Promise<void> {
    opened.splice(opened.indexOf(app), 1);
    await app.close();
  }

  async function abm(app: AppServices, ...argv: string[]) {
    const { code, stdout } = await abmInProcess(app, config, argv, env);
    expect(code).toBe(0);
    return stdout;
  }

  /** `reconcile` on `first`, then what `second` shows: the same counts, the same check time */
  async function expectShownBy(first: AppServices, second: () => Promise<AppServices>): Promise<void> {
    const report = (
      JSON.parse(await abm(first, "reconcile", "--json")) as {
        report: { checkedAt: string; total: number; counts: Record<MismatchKind, number> };
      }
    ).report;
    expect(report.total).toBeGreaterThan(0);
    const other = await second();
    const home = JSON.parse(await abm(other, "home", "--json")) as { home: { apple: LastReconcileJson } };
    expect(home.home.apple).toEqual({
      enabled: true,
      lastReconcile: expect.objectContaining({
        checkedAt: report.checkedAt,
        total: report.total,
        counts: report.counts,
      }),
    });
    const checked = `${report.checkedAt.slice(0, 16).replace("T", " ")} UTC`;
    expect(await abm(other, "home")).toContain(
      `Entra ↔ ABM  ${report.total} mismatches (checked ${checked}) — run reconcile for details`,
    );
    expect(await abm(other, "status")).toMatch(new RegExp(`Reconcile\\s+${checked} — `));
  }

  beforeAll(async () => {
    pair = await startEmulators({ users: 20, seed: 5, problemRate: 0 });
    const { assignedIds } = assignDemoScope(pair.graph);
    seedAppleDemo(pair, assignedIds);
    targets = targetsFromEmulators(pair);
  }, 60_000);

  afterAll(async () => {
    for (const app of opened) await app.close();
    await pair?.close();
  });

  it("[pglite] a restarted process on the same data folder shows the report the first one made", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "abm-reconcile-restart-"));
    try {
      const first = await services({ dataDir });
      expect(await abm(first, "home")).toContain("Entra ↔ ABM  not checked yet — run reconcile");
      await expectShownBy(first, async () => {
        await close(first);
        return services({ dataDir });
      });
    } finally {
      for (const app of [...opened]) await close(app);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  const adminUrl = process.env.TEST_DATABASE_URL ?? "";
  it.skipIf(adminUrl === "")(
    "[postgres] a second replica on the same database shows the report the first one made",
    async () => {
      const database = await freshPostgresDatabase(adminUrl);
      try {
        const first = await services(database);
        const second = await services(database);
        await expectShownBy(first, async () => second);
        // the first replica reads it back from the database too
        expect(await abm(first, "home")).toMatch(/Entra ↔ ABM {2}\d+ mismatches \(checked /);
      } finally {
        for (const app of [...opened]) await close(app);
        await database.drop();
      }
    },
    60_000,
  );
});
