import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";

/**
 * CPU-profiles just the measured cycle (not the setup) through the inspector, writing a
 * `.cpuprofile` that Chrome DevTools or speedscope open. `path` undefined: does nothing.
 */
export async function startCycleProfile(path: string | undefined): Promise<() => Promise<void>> {
  if (path === undefined) return async () => undefined;
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 500 });
  await session.post("Profiler.start");
  return async () => {
    const { profile } = await session.post("Profiler.stop");
    await writeFile(path, JSON.stringify(profile));
    session.disconnect();
  };
}
