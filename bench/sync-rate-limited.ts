/**
 * Initial sync of N users into an ABM that rate-limits: the ABM emulator answers 429 with
 * Retry-After above `--rate-limit` SCIM requests per second (a token bucket holding one second's
 * worth). The whole service (see sync-initial.ts), emulators in a child process.
 *
 *   npx tsx bench/sync-rate-limited.ts [--users 20000] [--rate-limit 200] [--concurrency 16] [--database-url postgres://…] [--trace]
 *
 * The capacity compared to is the limit itself. Prints `bench sync-rate-limited users concurrency
 * rate_limit db outcome wall_s apply_s abm_s requests accepted_per_s limit_share requests_429
 * share_429 users_per_s created failed client_limit client_paced_per_s client_429 warnings
 * loop_p50_ms loop_p99_ms loop_max_ms load1`:
 * - abm_s: seconds from the first to the last create the emulator saw (reading Entra, listing ABM,
 *   planning and journaling come before and send no writes);
 * - accepted_per_s: creates ABM accepted (not 429) ÷ abm_s; limit_share: accepted_per_s ÷ the limit;
 * - share_429: requests answered 429 ÷ all requests; client_*: the SCIM client's own view at the end;
 * - loop_*: this process's event-loop delay during the cycle (what holds every answer back).
 * Aims (issue 16): limit_share ≥ 0.90, share_429 < 0.02, failed = 0. Exits 1 unless every user was
 * created.
 */
import { parseArgs } from "node:util";
import { benchLine } from "./_support/bench-services.js";
import { runPersonaSync } from "./_support/persona-sync.js";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "20000" },
    "rate-limit": { type: "string", default: "200" },
    concurrency: { type: "string", default: "16" },
    "database-url": { type: "string" },
    /** every second on stderr: the SCIM client's limit, pace and 429 count, ABM's request count */
    trace: { type: "boolean", default: false },
  },
});
const users = Number(values.users);
const rateLimit = Number(values["rate-limit"]);
const concurrency = Number(values.concurrency);

const f = await runPersonaSync({
  users,
  concurrency,
  rateLimit,
  databaseUrl: values["database-url"],
  trace: values.trace,
});
// during abm_s the client sends creates only: their accepted rate is what it sustained against the limit
const acceptedPerS = (f.writes - f.writesRateLimited) / f.abmSeconds;
const c = f.run.counts;
process.stdout.write(
  benchLine(
    "sync-rate-limited",
    {
      users,
      concurrency,
      rate_limit: rateLimit,
      db: f.db,
      outcome: f.run.outcome,
      wall_s: f.wall,
      apply_s: f.applySeconds,
      abm_s: f.abmSeconds,
      requests: f.requests,
      accepted_per_s: acceptedPerS,
      limit_share: acceptedPerS / rateLimit,
      requests_429: f.rateLimited,
      share_429: f.rateLimited / f.requests,
      users_per_s: users / f.wall,
      created: c.created,
      failed: c.failed,
      client_limit: f.client?.concurrencyLimit ?? Number.NaN,
      client_paced_per_s: f.client?.pacedPerSecond ?? 0,
      client_429: f.client?.rateLimited ?? Number.NaN,
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
