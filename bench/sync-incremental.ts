/**
 * Incremental cycle cost in an already-synced directory: N users are synced once (an initial cycle
 * through the real service, timed as setup), then each round makes `--changes` changes in Entra
 * (60 % attribute updates spread over the whole directory, 20 % new users, 20 % disabled accounts)
 * and runs ONE incremental cycle (Graph delta from the stored watermark → plan → apply).
 *
 *   npx tsx bench/sync-incremental.ts [--users 100000] [--changes 100] [--rounds 3] [--concurrency 8] [--database-url postgres://…] [--profile cycle.cpuprofile]
 *
 * Both emulators run in a child process (see sync-initial.ts for why). Prints one line per round
 * `bench sync-incremental round=… users=… changes=… wall_s=… read_entra_s=… plan_s=… apply_s=…
 * created=… updated=… deactivated=… failed=… peak_rss_mb=…` and a summary line with `round=median`
 * (median wall time over the rounds), the setup time and the process's max RSS.
 */
import { parseArgs } from "node:util";
import { benchLine, createBenchDatabase, load1, openBenchServices, runBenchCycle } from "./_support/bench-services.js";
import { startCycleProfile } from "./_support/cycle-profiler.js";
import { startEmulatorProcess } from "./_support/emulator-process.js";
import { createPhaseLogger, phaseTimes } from "./_support/phase-logger.js";
import { maxRssMb, startRssSampler } from "./_support/rss-sampler.js";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "100000" },
    changes: { type: "string", default: "100" },
    rounds: { type: "string", default: "3" },
    concurrency: { type: "string", default: "8" },
    "database-url": { type: "string" },
    /** PGlite: run initdb in the measured process (a first start) instead of a child before it */
    "fresh-db-in-process": { type: "boolean", default: false },
    /** CPU-profile the last round's cycle into this .cpuprofile file */
    profile: { type: "string" },
  },
});
const users = Number(values.users);
const changes = Number(values.changes);
const rounds = Math.max(1, Number(values.rounds));
const concurrency = Number(values.concurrency);
const creates = Math.round(changes * 0.2);
const disables = Math.round(changes * 0.2);
const updates = changes - creates - disables;

const emulators = await startEmulatorProcess({ users });
const database = await createBenchDatabase(values["database-url"], values["fresh-db-in-process"]);
const phases = createPhaseLogger();
let failed = false;
try {
  const services = await openBenchServices({ emulators, database, concurrency, logger: phases.logger });
  const rssOpen = process.memoryUsage.rss() / 2 ** 20;
  try {
    const setupStart = performance.now();
    const initial = await runBenchCycle(services, "full");
    const setup = (performance.now() - setupStart) / 1000;
    if (initial.outcome !== "succeeded" || initial.counts.created !== users) {
      throw new Error(`setup sync did not create every user: ${initial.outcome} ${JSON.stringify(initial.counts)}`);
    }
    const walls: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const changed = await emulators.mutate({ updates, creates, disables });
      phases.clear();
      const loadAtStart = load1();
      const stopProfile = await startCycleProfile(round === rounds ? values.profile : undefined);
      const sampler = startRssSampler();
      const started = performance.now();
      const run = await runBenchCycle(services, "incremental");
      const wall = (performance.now() - started) / 1000;
      await stopProfile();
      const peak = sampler.stop();
      const phase = phaseTimes(phases.marks, started);
      const read = phases.marks.find((m) => m.message === "read Entra")?.fields;
      walls.push(wall);
      const c = run.counts;
      process.stdout.write(
        benchLine("sync-incremental", {
          round,
          users,
          db: database.kind,
          concurrency,
          changes: changed,
          read_users: typeof read?.users === "number" ? read.users : Number.NaN,
          full: String(read?.full ?? "?"),
          outcome: run.outcome,
          wall_s: wall,
          read_entra_s: phase.read_entra ?? Number.NaN,
          plan_s: phase.plan ?? Number.NaN,
          apply_s: phase.apply ?? Number.NaN,
          created: c.created,
          updated: c.updated,
          deactivated: c.deactivated,
          failed: c.failed,
          peak_rss_mb: peak,
          load1: loadAtStart,
        }),
      );
      const expected = c.created === creates && c.updated === updates && c.deactivated === disables;
      if (run.outcome !== "succeeded" || !expected || read?.full !== false) failed = true;
    }
    const sorted = [...walls].sort((a, b) => a - b);
    const child = await emulators.stats();
    process.stdout.write(
      benchLine("sync-incremental", {
        round: "median",
        users,
        db: database.kind,
        concurrency,
        changes,
        rounds,
        wall_s: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
        min_wall_s: sorted[0] ?? Number.NaN,
        max_wall_s: sorted[sorted.length - 1] ?? Number.NaN,
        setup_initial_s: setup,
        rss_open_mb: rssOpen,
        max_rss_mb: maxRssMb(),
        abm_users: child.abmUsers,
        emulator_rss_mb: child.maxRssMb,
      }),
    );
  } finally {
    await services.close();
  }
} finally {
  await emulators.stop();
  await database.drop();
}
if (failed) process.exitCode = 1;
