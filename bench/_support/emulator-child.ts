/**
 * Child process for the sync benches: both emulators (Graph over HTTPS, ABM SCIM over HTTP) seeded
 * with `--users` users, so the engine under test does not share an event loop (or a core's worth
 * of CPU time slices) with the servers it talks to.
 *
 *   node --import tsx bench/_support/emulator-child.ts --users 10000 [--seed 1] [--problem-rate 0] [--page-size 999] [--abm-rate-limit N] [--abm-latency-ms N]
 *
 * Prints one JSON line (see `ChildHello`), then reads JSON commands from stdin, one a line, and
 * answers each with one JSON line: `{"cmd":"mutate","updates":60,"creates":20,"disables":20}`
 * (changes applied straight to the Graph store, recorded in its delta log like any change),
 * `{"cmd":"stats"}` (ABM user count, request stats, the seconds from the first to the last write
 * (POST, PATCH, PUT, DELETE) to SCIM seen, this process's RSS). Stops on SIGTERM.
 */
import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { z } from "zod";
import { startEmulators } from "#app/emulators.js";
import { closeOnSignals } from "#emulators/close-on-signals.js";
import { VERIFIED_DOMAIN } from "#emulators/graph/seed.js";

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "10000" },
    seed: { type: "string", default: "1" },
    "problem-rate": { type: "string", default: "0" },
    "page-size": { type: "string", default: "999" },
    /** the ABM emulator plays a real, distant ABM (like `abm emulate --abm-rate-limit/--abm-latency-ms`) */
    "abm-rate-limit": { type: "string" },
    "abm-latency-ms": { type: "string" },
  },
});
const rateLimit = values["abm-rate-limit"];
const latency = values["abm-latency-ms"];

const pair = await startEmulators({
  users: Number(values.users),
  seed: Number(values.seed),
  problemRate: Number(values["problem-rate"]),
  pageSize: Number(values["page-size"]),
  abmFaults: {
    ...(rateLimit === undefined ? {} : { rateLimitPerSecond: Number(rateLimit) }),
    ...(latency === undefined ? {} : { latencyMs: Number(latency) }),
  },
});
const caPem = await readFile(pair.graph.caCertPath, "utf8");
process.stdout.write(
  `${JSON.stringify({
    graph: {
      baseUrl: pair.graph.baseUrl,
      authorityHost: pair.graph.authorityHost,
      tenantId: pair.graph.tenantId,
      clientId: pair.graph.clientId,
      clientSecret: pair.graph.clientSecret,
      servicePrincipalId: pair.graph.servicePrincipalId,
      verifiedDomain: pair.graph.verifiedDomain,
      caPem,
    },
    abm: { scimUrl: pair.abm.scimUrl, token: pair.abm.token },
    users: pair.graph.store.users.size,
  })}\n`,
);

const command = z.discriminatedUnion("cmd", [
  z.object({
    cmd: z.literal("mutate"),
    updates: z.number().int().min(0),
    creates: z.number().int().min(0),
    disables: z.number().int().min(0),
  }),
  z.object({ cmd: z.literal("stats") }),
]);

/** when the ABM emulator's count of writes first and last changed (sampled every 10 ms) */
const writes = (): number => {
  const { byMethod } = pair.abm.stats();
  let n = 0;
  for (const method of ["POST", "PATCH", "PUT", "DELETE"])
    for (const count of Object.values(byMethod[method] ?? {})) n += count;
  return n;
};
let seen = 0;
let firstRequestAt: number | null = null;
let lastRequestAt: number | null = null;
const watch = setInterval(() => {
  const total = writes();
  if (total === seen) return;
  seen = total;
  const at = performance.now();
  firstRequestAt ??= at;
  lastRequestAt = at;
}, 10);
watch.unref();

let round = 0;
/** Touches users spread over the whole directory (every k-th active user), not just its head. */
function mutate(updates: number, creates: number, disables: number): { changed: number } {
  round += 1;
  const store = pair.graph.store;
  const ids = store.order;
  const wanted = updates + disables;
  const step = Math.max(1, Math.floor(ids.length / Math.max(1, wanted)));
  let changed = 0;
  let u = 0;
  let d = 0;
  for (let i = round % step; i < ids.length && u + d < wanted; i += step) {
    const id = ids[i];
    const record = id === undefined ? undefined : store.users.get(id);
    if (id === undefined || record === undefined || record.state !== "active") continue;
    if (record.user.accountEnabled !== true) continue;
    const patch = u < updates ? { department: `Bench ${round}-${u}` } : { accountEnabled: false };
    if (u < updates) u += 1;
    else d += 1;
    if (store.patchUser(id, patch) !== null) changed += 1;
  }
  for (let i = 0; i < creates; i++) {
    const local = `bench.new${round}x${i}`;
    store.createUser({
      displayName: `Bench New ${round}-${i}`,
      givenName: "Bench",
      surname: `New${round}x${i}`,
      userPrincipalName: `${local}@${VERIFIED_DOMAIN}`,
      mail: `${local}@${VERIFIED_DOMAIN}`,
      accountEnabled: true,
      userType: "Member",
      department: "Engineering",
      employeeId: `B${round}${i}`,
      preferredLanguage: "en-US",
      createdDateTime: new Date().toISOString(),
    });
    changed += 1;
  }
  return { changed };
}

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  let reply: unknown;
  try {
    const parsed = command.parse(JSON.parse(line));
    if (parsed.cmd === "mutate") reply = { ok: true, ...mutate(parsed.updates, parsed.creates, parsed.disables) };
    else
      reply = {
        ok: true,
        abmUsers: pair.abm.users().length,
        abmStats: pair.abm.stats(),
        abmWriteSeconds:
          firstRequestAt === null || lastRequestAt === null ? 0 : (lastRequestAt - firstRequestAt) / 1000,
        rssMb: Math.round(process.memoryUsage.rss() / 2 ** 20),
        maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      };
  } catch (error) {
    reply = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  process.stdout.write(`${JSON.stringify(reply)}\n`);
});

closeOnSignals(pair);
