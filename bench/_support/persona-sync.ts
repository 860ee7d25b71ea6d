import { monitorEventLoopDelay } from "node:perf_hooks";
import type { RunSummary } from "#core/ports/provisioning-engine.js";
import type { ScimClientStatus } from "#core/ports/scim-target.js";
import { createBenchDatabase, load1, openBenchServices, runBenchCycle } from "./bench-services.js";
import { startEmulatorProcess } from "./emulator-process.js";
import { createPhaseLogger, phaseTimes } from "./phase-logger.js";

/**
 * An initial sync of `users` Entra users into an empty ABM through the whole service (like
 * sync-initial.ts: emulators in a child process, PGlite initialized beforehand or a fresh Postgres
 * database), with the ABM emulator playing a real ABM: a rate limit and/or a latency from the start.
 */
export interface PersonaSyncOptions {
  readonly users: number;
  readonly concurrency: number;
  readonly rateLimit?: number;
  readonly latencyMs?: number;
  readonly databaseUrl?: string | undefined;
  /** print the SCIM client's status and ABM's request counts every second on stderr */
  readonly trace?: boolean;
}

export interface PersonaSyncFigures {
  readonly db: string;
  readonly run: RunSummary;
  readonly wall: number;
  /**
   * seconds from the first to the last write ABM saw: the creates, the client's work (reading
   * Entra, listing ABM, planning and journaling come before and send no writes)
   */
  readonly abmSeconds: number;
  /** the engine's apply phase, in seconds (journal, SCIM calls, links, run record) */
  readonly applySeconds: number;
  /** SCIM requests ABM received, and how many it answered 429 because of the rate limit */
  readonly requests: number;
  readonly rateLimited: number;
  /** of those, the writes (POST, PATCH, PUT, DELETE: the creates here), and the writes answered 429 */
  readonly writes: number;
  readonly writesRateLimited: number;
  readonly abmUsers: number;
  /** the SCIM client's own view at the end of the cycle */
  readonly client: ScimClientStatus | null;
  readonly warnings: number;
  /** this process's event-loop delay during the cycle (ms beyond a 10 ms timer): what holds every answer back */
  readonly loopDelay: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly load1: number;
}

const LOOP_RESOLUTION_MS = 10;

function writesOf(byMethod: Readonly<Record<string, Readonly<Record<string, number>>>>): {
  writes: number;
  writesRateLimited: number;
} {
  let writes = 0;
  let writesRateLimited = 0;
  for (const method of ["POST", "PATCH", "PUT", "DELETE"]) {
    for (const [status, count] of Object.entries(byMethod[method] ?? {})) {
      writes += count;
      if (status === "429") writesRateLimited += count;
    }
  }
  return { writes, writesRateLimited };
}

export async function runPersonaSync(options: PersonaSyncOptions): Promise<PersonaSyncFigures> {
  const emulators = await startEmulatorProcess({
    users: options.users,
    ...(options.rateLimit === undefined ? {} : { abmRateLimit: options.rateLimit }),
    ...(options.latencyMs === undefined ? {} : { abmLatencyMs: options.latencyMs }),
  });
  try {
    const database = await createBenchDatabase(options.databaseUrl);
    try {
      const phases = createPhaseLogger();
      const services = await openBenchServices({
        emulators,
        database,
        concurrency: options.concurrency,
        logger: phases.logger,
      });
      try {
        const loadAtStart = load1();
        phases.clear();
        const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
        loop.enable();
        const started = performance.now();
        const tick = options.trace
          ? setInterval(() => {
              void emulators.stats().then((stats) => {
                const at = ((performance.now() - started) / 1000).toFixed(1);
                const client = JSON.stringify(services.connections[0].engine.scimClient());
                const { total, injected } = stats.abmStats;
                process.stderr.write(
                  `trace t=${at}s client=${client} abm_requests=${total} abm_429=${injected.rateLimited}\n`,
                );
              });
            }, 1000)
          : undefined;
        const run = await runBenchCycle(services, "full");
        clearInterval(tick);
        loop.disable();
        const wall = (performance.now() - started) / 1000;
        const phase = phaseTimes(phases.marks, started);
        const stats = await emulators.stats();
        return {
          db: database.kind,
          run,
          wall,
          abmSeconds: stats.abmWriteSeconds,
          applySeconds: phase.apply ?? Number.NaN,
          requests: stats.abmStats.total,
          rateLimited: stats.abmStats.injected.rateLimited,
          ...writesOf(stats.abmStats.byMethod),
          abmUsers: stats.abmUsers,
          client: services.connections[0].engine.scimClient(),
          warnings: phases.problems.length,
          // the histogram holds the sampling interval itself: keep what lies beyond it
          loopDelay: {
            p50: Math.max(0, loop.percentile(50) / 1e6 - LOOP_RESOLUTION_MS),
            p99: Math.max(0, loop.percentile(99) / 1e6 - LOOP_RESOLUTION_MS),
            max: Math.max(0, loop.max / 1e6 - LOOP_RESOLUTION_MS),
          },
          load1: loadAtStart,
        };
      } finally {
        await services.close();
      }
    } finally {
      await database.drop();
    }
  } finally {
    await emulators.stop();
  }
}
