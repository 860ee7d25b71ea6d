/**
 * Initial sync of N Entra users into an empty ABM through the real service: openServices (Graph
 * client, SCIM client, native engine, repositories on PGlite or Postgres), scope `all`.
 *
 *   npx tsx bench/sync-initial.ts [--users 10000] [--concurrency 8] [--slice-size N] [--database-url postgres://…] [--no-raw] [--fresh-db-in-process] [--full-again] [--profile cycle.cpuprofile]
 *
 * `--full-again`: then a second full cycle over the synced directory (every ABM user indexed,
 * every link read, nothing to change), printed as `bench sync-initial-full-again …`.
 *
 * Both emulators run in a CHILD process (bench/_support/emulator-child.ts): on 2 cores the engine
 * and the emulators would otherwise share one event loop, and the engine's figure would include
 * the servers' work. The ABM emulator's raw create capacity is measured in the same run: a fresh
 * ABM emulator in another child, a plain keep-alive node:http POST loop, N creates at the same
 * concurrency (bench/_support/raw-capacity.ts). ratio = engine users/s ÷ raw creates/s.
 *
 * Prints `bench sync-initial users=… concurrency=… db=… wall_s=… users_per_s=… list_abm_s=…
 * slices_s=… end_s=… finish_s=… rss_open_mb=… peak_rss_mb=… rss_growth_mb=… heap_open_mb=…
 * peak_heap_mb=… max_rss_mb=… raw_capacity_per_s=… ratio=… created=… failed=… abm_users=…
 * emulator_rss_mb=… load1=…`. Phases (bench/_support/phase-logger.ts): listing ABM, the slices (Entra
 * read page by page, each slice planned and applied), the end (removals, deferred claims,
 * threshold), the finish. rss_open_mb: after opening the services, before the cycle; peak_rss_mb:
 * sampled every 50 ms during the cycle; rss_growth_mb: the cycle's own growth (peak − open);
 * heap_*: V8's used heap at open and at its sampled peak; max_rss_mb: the kernel's peak for the
 * whole process (PGlite's first initdb included with --fresh-db-in-process); load1: the machine's
 * 1-minute load average when the cycle started.
 */
import { parseArgs } from "node:util";
import type { AppServices } from "#app/services.js";
import { benchLine, createBenchDatabase, load1, openBenchServices, runBenchCycle } from "./_support/bench-services.js";
import { startCycleProfile } from "./_support/cycle-profiler.js";
import { startEmulatorProcess } from "./_support/emulator-process.js";
import { createPhaseLogger, phaseTimes } from "./_support/phase-logger.js";
import { measureRawCreateCapacity } from "./_support/raw-capacity.js";
import { maxRssMb, startRssSampler } from "./_support/rss-sampler.js";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "8" },
    /** then a second full cycle over the synced directory (ABM indexed whole, nothing to change) */
    "full-again": { type: "boolean", default: false },
    /** source users a full cycle plans and applies together (default: the engine's, 1000) */
    "slice-size": { type: "string" },
    "database-url": { type: "string" },
    /** PGlite: run initdb in the measured process (a first start) instead of a child before it */
    "fresh-db-in-process": { type: "boolean", default: false },
    "no-raw": { type: "boolean", default: false },
    /** CPU-profile the cycle into this .cpuprofile file */
    profile: { type: "string" },
  },
});
interface Measured {
  readonly run: Awaited<ReturnType<typeof runBenchCycle>>;
  readonly wall: number;
  readonly peak: number;
  readonly peakHeap: number;
  readonly phase: Record<string, number>;
}

/** one full cycle, timed, its RSS and heap sampled, its phases cut from the engine's log lines */
async function measureFullCycle(services: AppServices, profile: string | undefined): Promise<Measured> {
  phases.clear();
  const stopProfile = await startCycleProfile(profile);
  const sampler = startRssSampler();
  const started = performance.now();
  const run = await runBenchCycle(services, "full");
  const wall = (performance.now() - started) / 1000;
  await stopProfile();
  const peak = sampler.stop();
  return { run, wall, peak, peakHeap: sampler.peakHeapMb(), phase: phaseTimes(phases.marks, started) };
}

const users = Number(values.users);
const concurrency = Number(values.concurrency);

const emulators = await startEmulatorProcess({ users });
const database = await createBenchDatabase(values["database-url"], values["fresh-db-in-process"]);
const phases = createPhaseLogger();
let failed = false;
try {
  const sliceSize = values["slice-size"] === undefined ? undefined : Number(values["slice-size"]);
  const services = await openBenchServices({
    emulators,
    database,
    concurrency,
    logger: phases.logger,
    ...(sliceSize === undefined ? {} : { sliceSize }),
  });
  const rssOpen = process.memoryUsage.rss() / 2 ** 20;
  const heapOpen = process.memoryUsage().heapUsed / 2 ** 20;
  const loadAtStart = load1();
  let measured: Measured;
  let again: Measured | null = null;
  try {
    measured = await measureFullCycle(services, values.profile);
    if (values["full-again"]) again = await measureFullCycle(services, undefined);
  } finally {
    await services.close();
  }
  const { run, wall, peak, peakHeap, phase } = measured;
  const child = await emulators.stats();
  // after the sync, so the load loop does not compete with it; a fresh emulator, same concurrency
  const raw = values["no-raw"] ? Number.NaN : await measureRawCreateCapacity(users, concurrency);
  const perS = users / wall;
  const c = run.counts;
  process.stdout.write(
    benchLine("sync-initial", {
      users,
      concurrency,
      slice_size: sliceSize ?? "default",
      db: database.kind,
      emulators: "child-process",
      outcome: run.outcome,
      wall_s: wall,
      users_per_s: perS,
      list_abm_s: phase.list_abm ?? Number.NaN,
      slices_s: phase.slices ?? Number.NaN,
      end_s: phase.end ?? Number.NaN,
      finish_s: phase.finish ?? Number.NaN,
      rss_open_mb: rssOpen,
      peak_rss_mb: peak,
      rss_growth_mb: peak - rssOpen,
      heap_open_mb: heapOpen,
      peak_heap_mb: peakHeap,
      max_rss_mb: maxRssMb(),
      raw_capacity_per_s: raw,
      ratio: perS / raw,
      created: c.created,
      adopted: c.adopted,
      skipped: c.skipped,
      failed: c.failed,
      abm_users: child.abmUsers,
      emulator_rss_mb: child.maxRssMb,
      warnings: phases.problems.length,
      load1: loadAtStart,
    }),
  );
  if (again !== null) {
    const a = again.run.counts;
    process.stdout.write(
      benchLine("sync-initial-full-again", {
        users,
        concurrency,
        db: database.kind,
        outcome: again.run.outcome,
        wall_s: again.wall,
        list_abm_s: again.phase.list_abm ?? Number.NaN,
        slices_s: again.phase.slices ?? Number.NaN,
        end_s: again.phase.end ?? Number.NaN,
        peak_rss_mb: again.peak,
        peak_heap_mb: again.peakHeap,
        changed: a.created + a.adopted + a.updated + a.deactivated + a.deleted,
        failed: a.failed,
      }),
    );
  }
  for (const p of phases.problems.slice(0, 5))
    process.stderr.write(`engine ${p.message} ${JSON.stringify(p.fields)}\n`);
  failed = run.outcome !== "succeeded" || c.created !== users || child.abmUsers !== users;
  if (again !== null && again.run.outcome !== "succeeded") failed = true;
} finally {
  await emulators.stop();
  await database.drop();
}
if (failed) process.exitCode = 1;
