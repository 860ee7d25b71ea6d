import { type RunningService, type StartServiceOptions, startService } from "#app/runtime.js";
import { systemClock } from "#core/clock.js";
import { randomIds } from "#core/ids.js";
import { silentLogger } from "#core/logger.js";
import { memoryDataDir } from "./pglite-template.js";

/**
 * `abm serve` as the integration tests run it: in-memory PGlite, any free port, silent logs, no
 * schedulers unless asked (`schedule: true`). Fails the test when the service does not start.
 */
export async function startTestService(
  options: Pick<StartServiceOptions, "config" | "targets"> & Partial<StartServiceOptions>,
): Promise<RunningService> {
  const started = await startService({
    env: {},
    logger: silentLogger,
    clock: systemClock,
    ids: randomIds,
    port: 0,
    dataDir: await memoryDataDir(),
    schedule: false,
    ...options,
  });
  if (!started.ok) throw started.error;
  return started.value;
}
