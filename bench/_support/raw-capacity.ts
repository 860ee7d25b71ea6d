import http from "node:http";
import { emulatorControl, emulatorFaults, rawHttpPost, runLoad, startAbmChild } from "./raw-scim-load.js";

/**
 * The ABM emulator's raw create capacity: a FRESH emulator in its own child process
 * (emulators/abm/main.ts, like bench/scim-create.ts) and a plain keep-alive node:http POST loop at
 * `concurrency`, `count` creates after a short warm-up. Returns creates per second. With
 * `latencyMs` the emulator answers each request that much later (a distant ABM).
 */
export async function measureRawCreateCapacity(count: number, concurrency: number, latencyMs = 0): Promise<number> {
  const abm = await startAbmChild();
  try {
    if (latencyMs > 0) await emulatorFaults(abm.scimUrl, { latencyMs });
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    const loop = async (prefix: string, n: number): Promise<number> =>
      (await runLoad(n, concurrency, (i) => rawHttpPost(abm, agent, prefix, i))).wall;
    await loop("warm", Math.min(2000, count));
    await emulatorControl(abm.scimUrl, "/_emulator/reset");
    if (latencyMs > 0) await emulatorFaults(abm.scimUrl, { latencyMs });
    const wall = await loop("raw", count);
    agent.destroy();
    return count / wall;
  } finally {
    await abm.stop();
  }
}
