import { type ChildProcess, spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MINIMAL_ENV } from "#test/support/config/env-fixtures.js";
import { runAbm } from "./run-abm.js";

/**
 * The admin channel as an operator meets it: `abm demo` runs in one process (embedded PGlite) and
 * the real `abm` CLI in another reaches it over the Unix socket in the data directory, never over
 * the public HTTP server. And the data directory is private: created 0700, refused when it is not.
 */
const BIN = new URL("../../../bin/abm.js", import.meta.url).pathname;

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "abm-adm-"));
}

interface Answer {
  readonly status: number;
  readonly body: { exitCode?: number; stdout?: string; error?: { code: string } };
}

function overSocket(socketPath: string, headers: Record<string, string>, argv: readonly string[]): Promise<Answer> {
  const body = JSON.stringify({ argv });
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, path: "/cli", method: "POST", headers: { "content-type": "application/json", ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** every path under `dir` whose mode lets the group or others in */
function exposed(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name);
    if ((entry.isFile() || entry.isDirectory()) && (statSync(path).mode & 0o077) !== 0) found.push(path);
  }
  return found;
}

describe("the admin socket (abm demo in one process, the real CLI in another)", () => {
  let child: ChildProcess;
  let home: string;
  let dataDir: string;
  let serviceUrl: string;
  const env = (): Record<string, string> => ({ ABM_DATA_DIR: dataDir, PORT: "0" });

  beforeAll(async () => {
    home = scratch();
    dataDir = join(home, "data"); // created by the service
    child = spawn(process.execPath, [BIN, "demo", "--json"], {
      cwd: home,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, NO_COLOR: "1", ...env() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    serviceUrl = await new Promise<string>((resolve, reject) => {
      child.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString("utf8");
        const line = stdout.split("\n").find((l) => l.startsWith("{"));
        if (line !== undefined) resolve((JSON.parse(line) as { url: string }).url);
      });
      child.once("exit", (code) => reject(new Error(`abm demo exited with ${code}`)));
    });
    // the socket is published in owner.json once it listens
    for (let i = 0; i < 200; i += 1) {
      const owner = JSON.parse(readFileSync(join(dataDir, "owner.json"), "utf8")) as { adminSocket?: string | null };
      if (typeof owner.adminSocket === "string") break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);

  afterAll(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGINT");
    await exited;
  }, 60_000);

  it("CLI commands reach the service through a 0600 socket in its 0700 data directory, not over HTTP", async () => {
    const owner = JSON.parse(readFileSync(join(dataDir, "owner.json"), "utf8")) as {
      adminSocket: string;
      token: string;
    };
    expect(owner.adminSocket).toBe(join(dataDir, "admin.sock"));
    const socket = statSync(owner.adminSocket);
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);

    const status = await runAbm(["status", "--json"], env());
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ ok: true });

    // the public server has no admin route, even with the right token from loopback
    const viaHttp = await fetch(`${serviceUrl}/_admin/cli`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner.token}`, "content-type": "application/json" },
      body: JSON.stringify({ argv: ["pause"] }),
    });
    expect(viaHttp.status).toBe(404);
  });

  it("refuses forwarded requests and the commands that start listeners (serve, demo, start, emulate)", async () => {
    const owner = JSON.parse(readFileSync(join(dataDir, "owner.json"), "utf8")) as {
      adminSocket: string;
      token: string;
    };
    const auth = { authorization: `Bearer ${owner.token}` };
    for (const header of [
      { forwarded: "for=203.0.113.9" },
      { "x-forwarded-for": "203.0.113.9" },
      { "x-forwarded-proto": "https" },
      { via: "1.1 proxy" },
    ]) {
      const refused = await overSocket(owner.adminSocket, { ...auth, ...header }, ["status"]);
      expect(refused, JSON.stringify(header)).toMatchObject({
        status: 403,
        body: { error: { code: "admin.proxied" } },
      });
    }
    for (const argv of [["serve"], ["demo"], ["start"], ["--json", "emulate"]]) {
      const refused = await overSocket(owner.adminSocket, auth, argv);
      expect(refused, argv.join(" ")).toMatchObject({ status: 400, body: { error: { code: "admin.local_command" } } });
    }
    expect(await overSocket(owner.adminSocket, {}, ["status"])).toMatchObject({ status: 401 });
    expect(await overSocket(owner.adminSocket, auth, ["status"])).toMatchObject({ status: 200, body: { exitCode: 0 } });
  });

  it("leaves nothing in the data directory that the group or others may read or write", () => {
    expect(exposed(dataDir)).toEqual([]);
  });
});

describe("a data directory others may enter", () => {
  it("stops abm demo and engine commands before they start: exit 2, a message that says how to fix it", async () => {
    const dataDir = join(scratch(), "shared");
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    for (const [argv, extra] of [
      [["demo"], {}],
      [["status"], MINIMAL_ENV],
    ] as const) {
      const run = await runAbm(argv, { ...extra, ABM_DATA_DIR: dataDir, PORT: "0" });
      expect(run.code, `${argv.join(" ")}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toContain(`chmod -R go-rwx ${dataDir}`);
    }
    expect(statSync(dataDir).mode & 0o777).toBe(0o755); // refused, not silently changed
  }, 90_000);
});
