import { spawn } from "node:child_process";
import http from "node:http";
import { createInterface } from "node:readline";
import { z } from "zod";

/**
 * The pieces of a raw create load against the ABM emulator, shared by bench/scim-create.ts and
 * raw-capacity.ts: the emulator in a child process, the user body, a plain node:http POST, the
 * emulator's control calls and a bounded worker loop.
 */
const SCIM_TYPE = "application/scim+json";

export interface ScimEndpoint {
  readonly scimUrl: string;
  readonly token: string;
}

export interface AbmChild extends ScimEndpoint {
  stop(): Promise<void>;
}

/** A FRESH ABM emulator (emulators/abm/main.ts) in its own child process on a free loopback port. */
export async function startAbmChild(): Promise<AbmChild> {
  const child = spawn(process.execPath, ["--import", "tsx", "emulators/abm/main.ts", "--port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await gone;
  };
  try {
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once("line", resolve);
      child.once("exit", (code) => reject(new Error(`ABM emulator exited with ${code}`)));
    });
    const { abm } = z.object({ abm: z.object({ scimUrl: z.string(), token: z.string() }) }).parse(JSON.parse(first));
    return { ...abm, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The SCIM user a raw loop creates, numbered `i` under `prefix`. */
export function benchUserBody(prefix: string, i: number): string {
  return JSON.stringify({
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
    userName: `${prefix}${i}@example.com`,
    externalId: `${prefix}-${i}`,
    active: true,
    name: { givenName: "Bench", familyName: `User${i}` },
    emails: [{ value: `${prefix}${i}@example.com`, type: "work", primary: true }],
  });
}

/** One plain node:http POST of benchUserBody through `agent` (keep-alive); rejects unless 201. */
export function rawHttpPost(target: ScimEndpoint, agent: http.Agent, prefix: string, i: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const payload = benchUserBody(prefix, i);
    const req = http.request(`${target.scimUrl}/Users`, {
      method: "POST",
      agent,
      headers: {
        authorization: `Bearer ${target.token}`,
        "content-type": SCIM_TYPE,
        accept: SCIM_TYPE,
        "content-length": Buffer.byteLength(payload),
      },
    });
    req.on("response", (res) => {
      res.resume();
      res.on("end", () =>
        res.statusCode === 201 ? resolve() : reject(new Error(`raw http POST → ${res.statusCode}`)),
      );
    });
    req.on("error", reject);
    req.end(payload);
  });
}

/** The emulator's control API root (`/_emulator/...` lives beside the SCIM base path). */
export function emulatorRoot(scimUrl: string): string {
  return scimUrl.replace(/\/feeds\/business\/scim$/, "");
}

/** POSTs to a control endpoint such as `/_emulator/reset`; throws unless 2xx. */
export async function emulatorControl(scimUrl: string, path: string): Promise<void> {
  const res = await fetch(`${emulatorRoot(scimUrl)}${path}`, { method: "POST" });
  await res.text();
  if (!res.ok) throw new Error(`${path} → ${res.status}`);
}

/** POSTs a faults body (docs/contracts.md §5) to the emulator; throws unless 2xx. */
export async function emulatorFaults(scimUrl: string, faults: Readonly<Record<string, number>>): Promise<void> {
  const res = await fetch(`${emulatorRoot(scimUrl)}/_emulator/faults`, {
    method: "POST",
    body: JSON.stringify(faults),
  });
  await res.text();
  if (!res.ok) throw new Error(`/_emulator/faults → ${res.status}`);
}

/** Runs `count` tasks on `workers` loops; returns wall seconds and per-task latencies (ms). */
export async function runLoad(
  count: number,
  workers: number,
  task: (i: number) => Promise<void>,
): Promise<{ wall: number; latencies: Float64Array }> {
  const latencies = new Float64Array(count);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let i = next++; i < count; i = next++) {
        const t0 = performance.now();
        await task(i);
        latencies[i] = performance.now() - t0;
      }
    }),
  );
  return { wall: (performance.now() - started) / 1000, latencies };
}
