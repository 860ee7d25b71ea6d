/**
 * An idle `abm serve` as an operator starts it: the real CLI in its own process, configured for the
 * native engine against the emulators (in another child, 0 users), Slack and Teams off. Waits for
 * the service to answer `/readyz` and for its first scheduled cycle, lets it settle, then reads the
 * service process's resident set from /proc (Linux).
 *
 *   npx tsx bench/serve-idle.ts [--runner tsx|dist|both] [--database-url postgres://…] [--settle-s 10] [--teams]
 *
 * `--runner tsx`: `node --import tsx src/app/cli/main.ts serve` (the TypeScript sources, what `abm`
 * runs without a current build); `dist`: `node dist/src/app/cli/main.js serve` (compiled JS, what
 * `npm start` runs: like it, the bench compiles first when the sources changed). Without `--database-url`
 * the service opens embedded PGlite in a FRESH data directory (its first start: initdb included);
 * with one, a fresh database `abm_bench_<hex>` on that server, dropped afterwards. `--teams` turns
 * Teams on (anonymous, as the demo does) to show what its SDK costs.
 *
 * Prints `bench serve-idle runner=… db=… teams=… ready_ms=… first_cycle_ms=… rss_idle_mb=… hwm_mb=…
 * load1=…`: ready_ms from spawn to the first 200 of /readyz; first_cycle_ms from spawn to the first
 * run in /metrics; rss_idle_mb the service's VmRSS after `--settle-s` seconds idle; hwm_mb its
 * VmHWM (the kernel's peak resident set for the process).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { currentBuild, DIST_MAIN } from "../bin/dist.js";
import { benchLine, createBenchDatabase, load1 } from "./_support/bench-services.js";
import { startEmulatorProcess } from "./_support/emulator-process.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const RUNNERS = {
  tsx: ["--import", "tsx", join(ROOT, "src/app/cli/main.ts")],
  dist: [join(ROOT, "dist", DIST_MAIN)],
} as const;
type Runner = keyof typeof RUNNERS;

const { values } = parseArgs({
  options: {
    runner: { type: "string", default: "both" },
    "database-url": { type: "string" },
    "settle-s": { type: "string", default: "10" },
    /** Teams on (anonymous, loopback): what the botbuilder SDK adds */
    teams: { type: "boolean", default: false },
  },
});
const runners: Runner[] =
  values.runner === "both"
    ? ["tsx", "dist"]
    : values.runner === "tsx" || values.runner === "dist"
      ? [values.runner]
      : [];
if (runners.length === 0) throw new Error(`--runner must be tsx, dist or both, not ${values.runner}`);
if (runners.includes("dist")) {
  // what `npm start` does first: compile when the sources changed since the last build
  spawnSync(process.execPath, [join(ROOT, "bin/build.js"), "--if-stale"], { stdio: "inherit" });
  if (currentBuild() === null) throw new Error("dist/ could not be built from the current sources (see above)");
}
const settleMs = Number(values["settle-s"]) * 1000;

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("timeout", () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on("error", reject);
    req.end();
  });
}

/** polls `check` every 100 ms for at most `limitMs`; returns ms since `since` when it first holds */
async function waitFor(check: () => Promise<boolean>, since: number, limitMs: number, what: string): Promise<number> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return Math.round(performance.now() - since);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not happen within ${limitMs / 1000} s`);
}

function procStatusMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${field}:`));
  const kb = Number(line?.replace(/\D+/g, ""));
  if (!Number.isFinite(kb) || kb === 0) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Math.round((kb / 1024) * 10) / 10;
}

/** the JSON banner `abm serve --json` prints once it listens */
function bannerUrl(child: ChildProcess, limitMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`no banner within ${limitMs / 1000} s`)), limitMs);
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`abm serve exited with ${code}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

const scratch = await mkdtemp(join(tmpdir(), "abm-serve-idle-"));
const emulators = await startEmulatorProcess({ users: 0 });
const caPath = join(scratch, "graph-ca.pem");
let failed = false;
try {
  await writeFile(caPath, emulators.hello.graph.caPem);
  for (const runner of runners) {
    // PGlite: a data directory never opened (the service's first start, initdb included)
    const database = await createBenchDatabase(values["database-url"], true);
    const { graph, abm } = emulators.hello;
    const started = performance.now();
    const child = spawn(process.execPath, [...RUNNERS[runner], "serve", "--json"], {
      cwd: ROOT, // where `--import tsx` resolves; every path the service uses is absolute
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: scratch,
        NO_COLOR: "1",
        LOG_FORMAT: "json",
        NODE_EXTRA_CA_CERTS: caPath,
        ABM_DATA_DIR: database.dataDir,
        ...(database.databaseUrl === undefined ? {} : { DATABASE_URL: database.databaseUrl }),
        PORT: "0",
        ABM_SCIM_URL: abm.scimUrl,
        ...emulators.env,
        AZURE_AUTHORITY_HOST: graph.authorityHost,
        GRAPH_BASE_URL: graph.baseUrl,
        ...(values.teams ? { TEAMS_ALLOW_ANONYMOUS: "true" } : {}),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-2_000);
    });
    try {
      const url = await bannerUrl(child, 120_000);
      const pid = child.pid ?? 0;
      const readyMs = await waitFor(async () => (await get(`${url}/readyz`)).status === 200, started, 60_000, "ready");
      const cycleMs = await waitFor(
        async () => (await get(`${url}/metrics`)).body.includes("abm_sync_runs_total{"),
        started,
        120_000,
        "a first cycle",
      );
      await new Promise((resolve) => setTimeout(resolve, settleMs));
      process.stdout.write(
        benchLine("serve-idle", {
          runner,
          db: database.kind,
          teams: values.teams ? "on" : "off",
          ready_ms: readyMs,
          first_cycle_ms: cycleMs,
          rss_idle_mb: procStatusMb(pid, "VmRSS"),
          hwm_mb: procStatusMb(pid, "VmHWM"),
          load1: load1(),
        }),
      );
    } catch (error) {
      failed = true;
      console.error(`serve-idle ${runner}: ${(error as Error).message}\n${stderr}`);
    } finally {
      await stop(child);
      await database.drop();
    }
  }
} finally {
  await emulators.stop();
  await rm(scratch, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
