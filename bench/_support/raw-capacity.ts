import http from "node:http";
import { emulatorControl, rawHttpPost, runLoad, startAbmChild } from "./raw-scim-load.js";

/**
 * The ABM emulator's raw create capacity: a FRESH emulator in its own child process
 * (emulators/abm/main.ts, like bench/scim-create.ts) and a plain keep-alive node:http POST loop at
 * `concurrency`, `count` creates after a short warm-up. Returns creates per second.
 */
export async function measureRawCreateCapacity(count: number, concurrency: number): Promise<number> {
  const abm = await startAbmChild();
  try {
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    const loop = async (prefix: string, n: number): Promise<number> =>
      (await runLoad(n, concurrency, (i) => rawHttpPost(abm, agent, prefix, i))).wall;
    await loop("warm", Math.min(2000, count));
    await emulatorControl(abm.scimUrl, "/_emulator/reset");
    const wall = await loop("raw", count);
    agent.destroy();
    return count / wall;
  } finally {
    await abm.stop();
  }
}
