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
  /** seconds from the first to the last SCIM request ABM saw (reading Entra and planning send nothing) */
  readonly abmSeconds: number;
  /** the engine's apply phase, in seconds (journal, SCIM calls, links, run record) */
  readonly applySeconds: number;
  /** SCIM requests ABM received, and how many it answered 429 because of the rate limit */
  readonly requests: number;
  readonly rateLimited: number;
  readonly abmUsers: number;
  /** the SCIM client's own view at the end of the cycle */
  readonly client: ScimClientStatus | null;
  readonly warnings: number;
  readonly load1: number;
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
        const started = performance.now();
        const tick = options.trace
          ? setInterval(() => {
              void emulators.stats().then((stats) => {
                const at = ((performance.now() - started) / 1000).toFixed(1);
                const client = JSON.stringify(services.engine.scimClient());
                const { total, injected } = stats.abmStats;
                process.stderr.write(
                  `trace t=${at}s client=${client} abm_requests=${total} abm_429=${injected.rateLimited}\n`,
                );
              });
            }, 1000)
          : undefined;
        const run = await runBenchCycle(services, "full");
        clearInterval(tick);
        const wall = (performance.now() - started) / 1000;
        const phase = phaseTimes(phases.marks, started);
        const stats = await emulators.stats();
        return {
          db: database.kind,
          run,
          wall,
          abmSeconds: stats.abmBusySeconds,
          applySeconds: phase.apply ?? Number.NaN,
          requests: stats.abmStats.total,
          rateLimited: stats.abmStats.injected.rateLimited,
          abmUsers: stats.abmUsers,
          client: services.engine.scimClient(),
          warnings: phases.problems.length,
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
