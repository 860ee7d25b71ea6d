/**
 * `orphans` over a synced directory: N Entra users synced into ABM by one full cycle (not timed),
 * then M users made by hand in ABM (SCIM POSTs, no externalId), then `orphans` through the engine,
 * timed, its RSS and heap sampled. Nothing may change: the answer must name exactly the M.
 *
 *   npx tsx bench/orphans.ts [--users 10000] [--by-hand 100] [--database-url postgres://…]
 *
 * Prints `bench orphans users=… by_hand=… db=… wall_s=… rss_open_mb=… peak_rss_mb=…
 * rss_growth_mb=… peak_heap_mb=… orphans=… abm_users=… entra_in_scope=…`.
 */
import { parseArgs } from "node:util";
import { silentLogger } from "#core/logger.js";
import { benchLine, createBenchDatabase, openBenchServices, runBenchCycle } from "./_support/bench-services.js";
import { startEmulatorProcess } from "./_support/emulator-process.js";
import { startRssSampler } from "./_support/rss-sampler.js";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "10000" },
    "by-hand": { type: "string", default: "100" },
    "database-url": { type: "string" },
  },
});
const users = Number(values.users);
const byHand = Number(values["by-hand"]);

const emulators = await startEmulatorProcess({ users });
const database = await createBenchDatabase(values["database-url"], false);
let failed = false;
try {
  const services = await openBenchServices({ emulators, database, concurrency: 8, logger: silentLogger });
  try {
    const synced = await runBenchCycle(services, "full");
    if (synced.outcome !== "succeeded") throw new Error(`the initial cycle ended ${synced.outcome}`);
    const { scimUrl, token } = emulators.hello.abm;
    for (let i = 0; i < byHand; i++) {
      const res = await fetch(`${scimUrl}/Users`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
        body: JSON.stringify({
          schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
          userName: `by.hand${i}@${emulators.hello.graph.verifiedDomain}`,
          name: { givenName: "By", familyName: `Hand ${i}` },
          active: true,
        }),
      });
      if (res.status !== 201) throw new Error(`creating a user by hand answered ${res.status}`);
    }
    const engine = services.connections[0]?.engine;
    if (engine === undefined) throw new Error("no connection");
    global.gc?.();
    const rssOpen = process.memoryUsage.rss() / 2 ** 20;
    const sampler = startRssSampler();
    const started = performance.now();
    const report = await engine.orphans();
    const wall = (performance.now() - started) / 1000;
    const peak = sampler.stop();
    if (!report.ok) throw report.error;
    const child = await emulators.stats();
    process.stdout.write(
      benchLine("orphans", {
        users,
        by_hand: byHand,
        db: database.kind,
        wall_s: wall,
        rss_open_mb: rssOpen,
        peak_rss_mb: peak,
        rss_growth_mb: peak - rssOpen,
        peak_heap_mb: sampler.peakHeapMb(),
        orphans: report.value.orphans.length,
        abm_users: report.value.abmUsers,
        entra_in_scope: report.value.entraInScope,
      }),
    );
    failed = report.value.orphans.length !== byHand || child.abmUsers !== users + byHand;
  } finally {
    await services.close();
  }
} finally {
  await emulators.stop();
  await database.drop();
}
if (failed) process.exitCode = 1;
