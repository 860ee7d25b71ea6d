import { spawn } from "node:child_process";
import http from "node:http";
import { createInterface } from "node:readline";
import { z } from "zod";

/**
 * The ABM emulator's raw create capacity: a FRESH emulator in its own child process
 * (emulators/abm/main.ts, like bench/scim-create.ts) and a plain keep-alive node:http POST loop at
 * `concurrency`, `count` creates after a short warm-up. Returns creates per second.
 */
export async function measureRawCreateCapacity(count: number, concurrency: number): Promise<number> {
  const child = spawn(process.execPath, ["--import", "tsx", "emulators/abm/main.ts", "--port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once("line", resolve);
      child.once("exit", (code) => reject(new Error(`ABM emulator exited with ${code}`)));
    });
    const { abm } = z.object({ abm: z.object({ scimUrl: z.string(), token: z.string() }) }).parse(JSON.parse(first));
    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    const post = (prefix: string, i: number): Promise<void> =>
      new Promise((resolve, reject) => {
        const payload = JSON.stringify({
          schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
          userName: `${prefix}${i}@example.com`,
          externalId: `${prefix}-${i}`,
          active: true,
          name: { givenName: "Bench", familyName: `User${i}` },
          emails: [{ value: `${prefix}${i}@example.com`, type: "work", primary: true }],
        });
        const req = http.request(`${abm.scimUrl}/Users`, {
          method: "POST",
          agent,
          headers: {
            authorization: `Bearer ${abm.token}`,
            "content-type": "application/scim+json",
            accept: "application/scim+json",
            "content-length": Buffer.byteLength(payload),
          },
        });
        req.on("response", (res) => {
          res.resume();
          res.on("end", () => (res.statusCode === 201 ? resolve() : reject(new Error(`POST → ${res.statusCode}`))));
        });
        req.on("error", reject);
        req.end(payload);
      });
    const loop = async (prefix: string, n: number): Promise<number> => {
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let i = next++; i < n; i = next++) await post(prefix, i);
        }),
      );
      return (performance.now() - started) / 1000;
    };
    await loop("warm", Math.min(2000, count));
    const reset = await fetch(`${abm.scimUrl.replace(/\/feeds\/business\/scim$/, "")}/_emulator/reset`, {
      method: "POST",
    });
    await reset.text();
    if (!reset.ok) throw new Error(`reset → ${reset.status}`);
    const wall = await loop("raw", count);
    agent.destroy();
    return count / wall;
  } finally {
    if (child.exitCode === null) {
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await gone;
    }
  }
}
