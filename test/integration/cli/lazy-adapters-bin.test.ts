import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MINIMAL_ENV } from "#test/support/config/env-fixtures.js";
import { seedPgliteDataDir } from "#test/support/pglite-template.js";

/**
 * `abm` loads an SDK only when its configuration or its command needs it: Bolt and botbuilder are
 * tens of MB of a service that may serve neither platform, the Graph client (@azure/identity, MSAL)
 * ~25 MB of a command that never calls Graph. The real bin runs with a module
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
/** one PGlite directory, an existing database (seeded: the first start is not what is measured), reopened by every run */
const dataDir = join(home, "data");

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
}

/** node's arguments and the environment of a recorded `abm` run named `name` */
function recorded(name: string, argv: readonly string[], extraEnv: Readonly<Record<string, string>> = {}) {
  return {
    args: ["--import", `data:text/javascript,${encodeURIComponent(REGISTER)}`, BIN, ...argv],
    options: {
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
    },
  };
}

const modulesOf = (name: string): string[] => readFileSync(join(home, `${name}.modules`), "utf8").split("\n");

/** a one-shot command (its exit code does not matter: Graph and ABM are unreachable on purpose) */
function runCommand(name: string, argv: readonly string[]): Promise<string[]> {
  const { args, options } = recorded(name, argv);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { ...options, timeout: 60_000 }, (error) => {
      if (error !== null && typeof error.code !== "number") reject(error);
      else resolve(modulesOf(name));
    });
  });
}

function startServe(name: string, extraEnv: Readonly<Record<string, string>>): Promise<Started> {
  const { args, options } = recorded(name, ["serve", "--json"], extraEnv);
  const child = spawn(process.execPath, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
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
  return modulesOf(name);
}

const loads = (modules: readonly string[], fragment: string): boolean => modules.some((url) => url.includes(fragment));

describe("abm serve loads only what is configured", () => {
  let plain: Started | undefined;
  let withTeams: Started | undefined;
  let plainModules: string[] = [];
  let teamsModules: string[] = [];

  beforeAll(async () => {
    await seedPgliteDataDir(dataDir);
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

describe("abm commands load the Graph client only when they call Graph", () => {
  it("status reads the database only; check looks the user up in Entra", async () => {
    const status = await runCommand("status", ["status", "--json"]);
    expect(loads(status, "/adapters/graph/graph-directory-source.")).toBe(true); // the recorder works
    expect(loads(status, "/node_modules/@azure/identity/")).toBe(false);
    expect(loads(status, "/adapters/graph/graph-client.")).toBe(false);
    const check = await runCommand("check", ["check", "ann@example.com", "--json"]);
    expect(loads(check, "/node_modules/@azure/identity/")).toBe(true);
  }, 120_000);
});
