/**
 * Creates N users through the ABM SCIM client against the ABM emulator and compares the client's
 * throughput with the emulator's raw capacity, measured in the same run by plain load loops
 * (raw fetch POSTs and raw node:http POSTs at the same concurrency; the faster one counts).
 *
 *   npx tsx bench/scim-create.ts [--users 20000] [--concurrency 8] [--rounds 3] [--in-process] [--transport node-http|fetch]
 *
 * By default the emulator runs in a child process, so client and server do not share an event loop.
 * Raw loops and the client run interleaved for `--rounds` rounds (N users each) and the best round
 * of each counts, so a busy machine skews both sides alike.
 */
import http from "node:http";
import { parseArgs } from "node:util";
import { z } from "zod";
import { createAbmScimTarget } from "../adapters/abm-scim/abm-scim-target.js";
import { createBearerAuth } from "../adapters/abm-scim/auth.js";
import { startAbmEmulator } from "../emulators/abm/server.js";
import {
  benchUserBody,
  emulatorControl,
  emulatorRoot,
  rawHttpPost,
  runLoad,
  type ScimEndpoint,
  startAbmChild,
} from "./_support/raw-scim-load.js";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "20000" },
    concurrency: { type: "string", default: "8" },
    "in-process": { type: "boolean", default: false },
    transport: { type: "string", default: "node-http" },
    rounds: { type: "string", default: "3" },
  },
});
const users = Number(values.users);
const concurrency = Number(values.concurrency);
const rounds = Math.max(1, Number(values.rounds));
const transport = values.transport === "fetch" ? "fetch" : "node-http";
const SCIM_TYPE = "application/scim+json";

interface Target extends ScimEndpoint {
  stop(): Promise<void>;
}

async function startInProcess(): Promise<Target> {
  const emulator = await startAbmEmulator({ token: "bench-token" });
  return { scimUrl: emulator.scimUrl, token: emulator.token, stop: () => emulator.close() };
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const target = values["in-process"] ? await startInProcess() : await startAbmChild();
const root = emulatorRoot(target.scimUrl);
const authorization = `Bearer ${target.token}`;

const rawFetch = async (prefix: string, i: number): Promise<void> => {
  const res = await fetch(`${target.scimUrl}/Users`, {
    method: "POST",
    headers: { authorization, "content-type": SCIM_TYPE, accept: SCIM_TYPE },
    body: benchUserBody(prefix, i),
  });
  await res.text();
  if (res.status !== 201) throw new Error(`raw fetch POST → ${res.status}`);
};

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const rawHttp = (prefix: string, i: number): Promise<void> => rawHttpPost(target, agent, prefix, i);

// warm up both paths and the emulator's JIT
await runLoad(Math.min(2000, users), concurrency, (i) => rawFetch("warmf", i));
await runLoad(Math.min(2000, users), concurrency, (i) => rawHttp("warmh", i));
await emulatorControl(target.scimUrl, "/_emulator/reset");

const client = createAbmScimTarget({
  baseUrl: target.scimUrl,
  auth: createBearerAuth(target.token),
  concurrency,
  transport,
});
let failures = 0;
let created = 0;
const createVia = async (round: number, i: number): Promise<void> => {
  const result = await client.create({
    userName: `client${round}x${i}@example.com`,
    externalId: `client-${round}-${i}`,
    active: true,
    givenName: "Bench",
    familyName: `User${i}`,
    email: `client${round}x${i}@example.com`,
    locale: null,
    employeeNumber: null,
    costCenter: null,
    division: null,
    department: null,
  });
  if (!result.ok) failures++;
};
const statsSchema = z.object({ byMethod: z.record(z.string(), z.record(z.string(), z.number())) });

let rawF = Number.POSITIVE_INFINITY;
let rawH = Number.POSITIVE_INFINITY;
let best: { wall: number; latencies: Float64Array } | undefined;
for (let round = 0; round < rounds; round++) {
  rawF = Math.min(rawF, (await runLoad(users, concurrency, (i) => rawFetch(`rawf${round}x`, i))).wall);
  await emulatorControl(target.scimUrl, "/_emulator/reset");
  rawH = Math.min(rawH, (await runLoad(users, concurrency, (i) => rawHttp(`rawh${round}x`, i))).wall);
  await emulatorControl(target.scimUrl, "/_emulator/reset");
  const run = await runLoad(users, concurrency, (i) => createVia(round, i));
  if (best === undefined || run.wall < best.wall) best = run;
  const stats = statsSchema.parse(await (await fetch(`${root}/_emulator/stats`)).json());
  created += stats.byMethod.POST?.["201"] ?? 0;
  await emulatorControl(target.scimUrl, "/_emulator/reset");
}
const run = best as { wall: number; latencies: Float64Array };
client.close();
agent.destroy();
await target.stop();

const sorted = run.latencies.sort();
const rawFetchPerS = users / rawF;
const rawHttpPerS = users / rawH;
const raw = Math.max(rawFetchPerS, rawHttpPerS);
const perS = users / run.wall;
const f = (n: number, d = 1): string => n.toFixed(d);
process.stdout.write(
  `bench scim-create users=${users} concurrency=${concurrency} emulator=${values["in-process"] ? "in-process" : "child-process"} transport=${transport} ` +
    `wall_s=${f(run.wall, 2)} users_per_s=${f(perS)} p50_ms=${f(percentile(sorted, 50), 2)} p99_ms=${f(percentile(sorted, 99), 2)} ` +
    `raw_capacity_per_s=${f(raw)} raw_fetch_per_s=${f(rawFetchPerS)} raw_http_per_s=${f(rawHttpPerS)} ratio=${f(perS / raw, 2)} ` +
    `rounds=${rounds} failures=${failures} created=${created}\n`,
);
if (failures > 0) process.exitCode = 1;
