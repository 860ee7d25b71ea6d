/**
 * Initial sync of N users into a distant ABM: the ABM emulator answers every SCIM request
 * `--latency-ms` later (an ocean away). The whole service (see sync-initial.ts), emulators in a
 * child process.
 *
 *   npx tsx bench/sync-distant.ts [--users 20000] [--latency-ms 100] [--concurrency 32] [--raw-users 5000] [--no-raw] [--database-url postgres://…] [--trace]
 *
 * The capacity compared to is concurrency ÷ latency (32 requests in flight, 0.1 s each: 320/s), and
 * the same measured: after the sync, a fresh emulator with the same latency takes `--raw-users`
 * plain keep-alive node:http POSTs at the same concurrency. Prints `bench sync-distant users
 * concurrency latency_ms db outcome wall_s apply_s abm_s requests creates abm_per_s ideal_per_s
 * ideal_share raw_capacity_per_s raw_share users_per_s created failed client_limit warnings
 * loop_p50_ms loop_p99_ms loop_max_ms load1`:
 * - abm_s: seconds from the first to the last create the emulator saw (reading Entra, listing ABM,
 *   planning and journaling come before and send no writes);
 * - abm_per_s: creates ÷ abm_s; ideal_share: abm_per_s ÷ ideal_per_s (aim, issue 16: ≥ 0.90);
 *   raw_share: abm_per_s ÷ raw_capacity_per_s; users_per_s: users ÷ the whole cycle's wall time;
 * - loop_*: this process's event-loop delay during the cycle (what holds every answer back).
 * Exits 1 unless every user was created.
 */
import { parseArgs } from "node:util";
import { benchLine } from "./_support/bench-services.js";
import { runPersonaSync } from "./_support/persona-sync.js";
import { measureRawCreateCapacity } from "./_support/raw-capacity.js";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "20000" },
    "latency-ms": { type: "string", default: "100" },
    concurrency: { type: "string", default: "32" },
    "raw-users": { type: "string", default: "5000" },
    "no-raw": { type: "boolean", default: false },
    "database-url": { type: "string" },
    /** every second on stderr: the SCIM client's limit, pace and 429 count, ABM's request count */
    trace: { type: "boolean", default: false },
  },
});
const users = Number(values.users);
const latencyMs = Number(values["latency-ms"]);
const concurrency = Number(values.concurrency);

const f = await runPersonaSync({
  users,
  concurrency,
  latencyMs,
  databaseUrl: values["database-url"],
  trace: values.trace,
});
// after the sync, so the load loop does not compete with it
const raw = values["no-raw"]
  ? Number.NaN
  : await measureRawCreateCapacity(Number(values["raw-users"]), concurrency, latencyMs);
const ideal = concurrency / (latencyMs / 1000);
const perS = f.writes / f.abmSeconds;
const c = f.run.counts;
process.stdout.write(
  benchLine(
    "sync-distant",
    {
      users,
      concurrency,
      latency_ms: latencyMs,
      db: f.db,
      outcome: f.run.outcome,
      wall_s: f.wall,
      apply_s: f.applySeconds,
      abm_s: f.abmSeconds,
      requests: f.requests,
      creates: f.writes,
      abm_per_s: perS,
      ideal_per_s: ideal,
      ideal_share: perS / ideal,
      raw_capacity_per_s: raw,
      raw_share: perS / raw,
      users_per_s: users / f.wall,
      created: c.created,
      failed: c.failed,
      client_limit: f.client?.concurrencyLimit ?? Number.NaN,
      warnings: f.warnings,
      loop_p50_ms: f.loopDelay.p50,
      loop_p99_ms: f.loopDelay.p99,
      loop_max_ms: f.loopDelay.max,
      load1: f.load1,
    },
    3,
  ),
);
if (f.run.outcome !== "succeeded" || c.created !== users || f.abmUsers !== users) process.exitCode = 1;
