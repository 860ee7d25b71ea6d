import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MINIMAL_ENV } from "#test/support/config/env-fixtures.js";

/**
 * `abm serve` loads the SDK of a chat platform or engine only when it is configured: Bolt and
 * botbuilder are tens of MB of a process that may serve neither. The real bin runs with a module
 * loader hook (passed inline, `--import data:…`) that writes every module URL it resolves to a file.
 */
const BIN = new URL("../../../bin/abm.js", import.meta.url).pathname;
const RECORD_HOOKS = `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.ABM_TEST_MODULES_FILE, resolved.url + "\\n");
  return resolved;
}`;
const REGISTER = `import { register } from "node:module";
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(RECORD_HOOKS)}`)});`;
/** a closed loopback port: the first cycle fails at once, nothing leaves the machine */
const NOWHERE = "http://127.0.0.1:9";

const home = mkdtempSync(join(tmpdir(), "abm-lazy-"));
const dataDir = join(home, "data"); // one PGlite directory, created by the first run, reopened by the second

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
}

function startServe(name: string, extraEnv: Readonly<Record<string, string>>): Promise<Started> {
  const child = spawn(
    process.execPath,
    ["--import", `data:text/javascript,${encodeURIComponent(REGISTER)}`, BIN, "serve", "--json"],
    {
      cwd: home,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: home,
        NO_COLOR: "1",
        ABM_TEST_MODULES_FILE: join(home, `${name}.modules`),
        ABM_DATA_DIR: dataDir,
        PORT: "0",
        ...MINIMAL_ENV,
        SYNC_SCOPE: "all",
        ABM_SCIM_URL: `${NOWHERE}/scim`,
        AZURE_AUTHORITY_HOST: NOWHERE.replace("http:", "https:"),
        GRAPH_BASE_URL: NOWHERE.replace("http:", "https:"),
        ...extraEnv,
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
      const line = stdout.split("\n").find((l) => l.startsWith("{"));
      if (line !== undefined) resolve({ child, url: (JSON.parse(line) as { url: string }).url });
    });
    child.once("exit", (code) => reject(new Error(`abm serve exited with ${code}: ${stderr.slice(-2000)}`)));
  });
}

async function stop(started: Started | undefined): Promise<void> {
  const child = started?.child;
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const kill = setTimeout(() => child.kill("SIGKILL"), 20_000);
  child.kill("SIGTERM");
  await exited;
  clearTimeout(kill);
}

/** every module URL the named run resolved, once /readyz answers 200 (start-up done) */
async function modulesOnceReady(name: string, started: Started): Promise<string[]> {
  for (let i = 0; i < 300; i += 1) {
    const ready = await fetch(`${started.url}/readyz`).catch(() => null);
    if (ready?.status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return readFileSync(join(home, `${name}.modules`), "utf8").split("\n");
}

const loads = (modules: readonly string[], fragment: string): boolean => modules.some((url) => url.includes(fragment));

describe("abm serve loads only what is configured", () => {
  let plain: Started | undefined;
  let withTeams: Started | undefined;
  let plainModules: string[] = [];
  let teamsModules: string[] = [];

  beforeAll(async () => {
    plain = await startServe("plain", {});
    plainModules = await modulesOnceReady("plain", plain);
    await stop(plain);
    withTeams = await startServe("teams", { TEAMS_ALLOW_ANONYMOUS: "true" });
    teamsModules = await modulesOnceReady("teams", withTeams);
  }, 180_000);

  afterAll(async () => {
    await stop(plain);
    await stop(withTeams);
  }, 60_000);

  it("with Slack and Teams off and the native engine: no Bolt, no botbuilder, no entra engine, no Postgres driver on PGlite", () => {
    // the recorder works: the modules this configuration needs are in the list
    expect(loads(plainModules, "/adapters/graph/")).toBe(true);
    expect(loads(plainModules, "/adapters/abm-scim/")).toBe(true);
    expect(loads(plainModules, "/node_modules/@electric-sql/pglite/")).toBe(true);
    for (const absent of [
      "/node_modules/@slack/bolt/",
      "/node_modules/botbuilder/",
      "/adapters/slack/",
      "/adapters/teams/",
      "/adapters/entra-provisioning/",
      "/node_modules/postgres/",
    ]) {
      expect(loads(plainModules, absent), absent).toBe(false);
    }
  });

  it("with Teams on: botbuilder and the Teams adapter load, Bolt still does not", () => {
    expect(loads(teamsModules, "/node_modules/botbuilder/")).toBe(true);
    expect(loads(teamsModules, "/adapters/teams/")).toBe(true);
    expect(loads(teamsModules, "/node_modules/@slack/bolt/")).toBe(false);
  });
});
