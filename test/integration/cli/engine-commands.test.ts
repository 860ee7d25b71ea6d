import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { targetsFromEmulators } from "#app/connection.js";
import { type EmulatorPair, startEmulators } from "#app/emulators.js";
import { type AppServices, openServices } from "#app/services.js";
import { loadConfig } from "#config/load-config.js";
import { systemClock } from "#core/clock.js";
import { randomIds } from "#core/ids.js";
import { silentLogger } from "#core/logger.js";
import { abmInProcess } from "#test/support/abm-in-process.js";
import { memoryDataDir } from "#test/support/pglite-template.js";

/**
 * The engine commands of the CLI against the emulators (in-process: the spawned bin and the
 * forwarding to a running service are covered by abm-bin.test.ts and the demo).
 */
describe("abm engine commands", () => {
  let pair: EmulatorPair;
  let services: AppServices;
  let dir: string;
  const env = { SYNC_SCOPE: "all" };
  const config = loadConfig(env);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "abm-cli-"));
    pair = await startEmulators({ users: 40, seed: 5, problemRate: 0.1 });
    if (!config.ok) throw config.error;
    const opened = await openServices({
      config: config.value,
      targets: { default: targetsFromEmulators(pair) },
      logger: silentLogger,
      clock: systemClock,
      ids: randomIds,
      dataDir: await memoryDataDir(),
    });
    if (!opened.ok) throw opened.error;
    services = opened.value;
  });
  afterAll(async () => {
    await services?.close();
    await pair?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function abm(...argv: string[]) {
    const { code, stdout, stderr } = await abmInProcess(services, config, argv, env);
    return { code, stdout, stderr, json: () => JSON.parse(stdout) as Record<string, unknown> };
  }

  it("sync --dry-run plans without writing, sync applies, status and history report it", async () => {
    const dry = await abm("sync", "--dry-run", "--json");
    expect(dry.code).toBe(0);
    expect(dry.json()).toMatchObject({ ok: true, dryRun: true, run: { kind: "initial" } });
    expect(pair.abm.users()).toHaveLength(0);

    const sync = await abm("sync", "--json");
    expect(sync.code).toBe(0);
    const created = (sync.json().run as { counts: { created: number } }).counts.created;
    expect(created).toBeGreaterThan(30);
    expect(pair.abm.users()).toHaveLength(created);

    const status = await abm("status");
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/Linked users\s+\d+/);
    const history = await abm("history", "--json");
    expect((history.json().runs as unknown[]).length).toBe(1);
  });

  it("errors groups the failing users and writes them as CSV", async () => {
    const file = join(dir, "errors.csv");
    const errors = await abm("errors", "--csv", file, "--json");
    expect(errors.code).toBe(0);
    const doc = errors.json() as { total: number; groups: { code: string; count: number }[] };
    expect(doc.total).toBeGreaterThan(0);
    expect(doc.groups.reduce((n, g) => n + g.count, 0)).toBe(doc.total);
    const lines = readFileSync(file, "utf8").trim().split("\r\n");
    expect(lines[0]).toMatch(/^entraId,userName,action,code,reason,fix/);
    expect(lines).toHaveLength(doc.total + 1);
  });

  it("home shows the home screen chat shows: state, a text chart of the runs, failures by reason", async () => {
    await abm("sync");
    const home = await abm("home");
    expect(home.code).toBe(0);
    expect(home.stdout).toMatch(/^ABM SYNC: /);
    expect(home.stdout).toContain("Last 2 runs");
    expect(home.stdout).toMatch(/█ created {2}▓ updated {2}▒ deactivated {2}× failed/);
    expect(home.stdout).toMatch(/\d\d-\d\d \d\d:\d\d │█{30}\s+\d+ created/);
    expect(home.stdout).toMatch(/\d\d-\d\d \d\d:\d\d │\s+no changes/);
    expect(home.stdout).toContain("Failing users by reason");
    if (process.env.PRINT_HOME === "1") process.stderr.write(`\n${home.stdout}\n`);
    const json = await abm("home", "--json");
    expect(json.code).toBe(0);
    const doc = json.json() as {
      home: { runs: { created: number }[]; failures: { count: number }[]; canApprove: boolean };
    };
    expect(doc.home.runs).toHaveLength(2);
    expect(doc.home.runs[0]?.created).toBeGreaterThan(30);
    expect(doc.home.failures.length).toBeGreaterThan(0);
    expect(doc.home.canApprove).toBe(true);
  });

  it("check and provision explain one user; an unknown user is a clear failure", async () => {
    const upn = String(pair.abm.users()[0]?.userName ?? "");
    const check = await abm("check", upn, "--json");
    expect(check.code).toBe(0);
    expect(check.json()).toMatchObject({
      check: { inScope: true, source: { attributes: { userPrincipalName: upn } } },
    });
    const provision = await abm("provision", upn, "--json");
    expect(provision.code).toBe(0);
    expect(provision.json()).toMatchObject({ result: { status: "skipped" } });
    const unknown = await abm("provision", "nobody@contoso.com", "--json");
    expect(unknown.code).toBe(1);
    expect(unknown.json()).toMatchObject({ ok: false, error: { code: "engine.user_not_found" } });
  });

  it("pause and resume change the schedule and are written to the audit log", async () => {
    expect((await abm("pause", "--json")).json()).toMatchObject({ ok: true, paused: true });
    const paused = await abm("status", "--json");
    expect(paused.json()).toMatchObject({ status: { state: "paused", nextRunAt: null } });
    expect((await abm("resume")).code).toBe(0);
    const audit = await services.connections[0].audit.list();
    expect(audit.ok && audit.value.map((a) => `${a.platform}:${a.command}:${a.outcome}`)).toEqual(
      expect.arrayContaining([
        "cli:pause:succeeded",
        "cli:resume:succeeded",
        "cli:sync:succeeded",
        "cli:provision:failed",
      ]),
    );
  });

  it("scope --dry-run previews, approvals lists nothing open, approve of an unknown id fails", async () => {
    const preview = await abm("scope", "assigned", "--dry-run", "--json");
    expect(preview.code).toBe(0);
    expect(preview.json()).toMatchObject({ preview: { from: "all", to: "assigned" } });
    expect((await abm("approvals", "--json")).json()).toMatchObject({ ok: true, approvals: [] });
    const approve = await abm("approve", "apr_missing", "--json");
    expect(approve.code).toBe(1);
    expect(approve.json()).toMatchObject({ error: { code: "approval.not_found" } });
  });
});
