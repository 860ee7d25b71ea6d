import { describe, expect, it } from "vitest";
import { FULL_ENV, SECRETS } from "#test/support/config/env-fixtures.js";
import { runAbm, runNpmAbm } from "./run-abm.js";

function json(text: string): Record<string, unknown> {
  const lines = text.trim().split("\n");
  expect(lines, "exactly one JSON document on stdout").toHaveLength(1);
  return JSON.parse(lines[0] ?? "") as Record<string, unknown>;
}

describe.concurrent("abm (the real bin, spawned)", () => {
  it("config check --json prints one redacted, valid JSON document", async () => {
    const run = await runAbm(["config", "check", "--json"], FULL_ENV);
    expect(run.code, run.stderr).toBe(0);
    const doc = json(run.stdout);
    expect(doc).toMatchObject({
      ok: true,
      config: {
        demo: false,
        database: { kind: "postgres" },
        slack: { enabled: true, botToken: "[redacted]" },
        teams: { enabled: true, appPassword: "[redacted]" },
        connectionsFile: null,
        connections: [
          {
            id: "default",
            organization: "business",
            engine: "native",
            scim: { token: "[redacted]" },
            sync: { scope: "assigned" },
            alerts: { routes: ["slack:C012345", "teams:19:abc@thread.tacv2"] },
          },
        ],
      },
    });
    for (const secret of Object.values(SECRETS)) {
      expect(run.stdout).not.toContain(secret);
      expect(run.stderr).not.toContain(secret);
    }
  });

  it("config check (text) groups by area and redacts", async () => {
    const run = await runAbm(["config", "check"], FULL_ENV);
    expect(run.code, run.stderr).toBe(0);
    for (const label of [
      "Mode",
      "Engine",
      "Scope",
      "Slack",
      "Teams",
      "Database",
      "Alert routes",
      "Operators",
      "Approvers",
    ]) {
      expect(run.stdout).toMatch(new RegExp(`^ +${label} +\\S`, "m"));
    }
    expect(run.stdout).toMatch(/Slack +on \(socket mode\), bot token \[redacted\]/);
    expect(run.stdout).toMatch(/Database +postgres postgres:\/\/abm:\[redacted\]@db\.internal/);
    expect(run.stdout).not.toContain("s3cr3t");
  });

  it("a bad environment exits 2 with one message naming every bad variable, secrets hidden", async () => {
    const env = {
      SYNC_INTERVAL: "4s",
      SYNC_CONCURRENCY: "100",
      PORT: "http",
      SLACK_BOT_TOKEN: SECRETS.botToken,
      ABM_SCIM_TOKEN: `${SECRETS.scimToken} oops`,
    };
    const asJson = await runAbm(["status", "--json"], env);
    expect(asJson.code).toBe(2);
    const doc = json(asJson.stdout);
    expect(doc).toMatchObject({ ok: false, error: { code: "config.invalid" } });
    const message = String((doc.error as { message: string }).message);
    for (const name of [
      "SYNC_INTERVAL",
      "SYNC_CONCURRENCY",
      "PORT",
      "SLACK_SIGNING_SECRET",
      "ABM_SCIM_TOKEN",
      "AZURE_TENANT_ID",
    ]) {
      expect(message).toContain(`\n  ${name}: `);
    }
    expect(asJson.stdout + asJson.stderr).not.toContain("s3cr3t");
  });

  it("bad usage exits 2: unknown command, bad flag (the full matrix is in router.test.ts)", async () => {
    const [unknown, flag] = await Promise.all([runAbm(["frobnicate", "--json"]), runAbm(["sync", "--fast"])]);
    expect(unknown.code).toBe(2);
    expect(json(unknown.stdout)).toMatchObject({ ok: false, error: { code: "cli.unknown_command" } });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/unknown flag --fast/);
  });

  it("an engine command with nothing configured and no demo running exits 1, never a fake success", async () => {
    const run = await runAbm(["status", "--json"]);
    expect(run.code).toBe(1);
    expect(json(run.stdout)).toEqual({
      ok: false,
      error: {
        code: "cli.demo_not_running",
        message: expect.stringContaining("npm start"),
        retryable: false,
        fix: expect.stringContaining("abm demo"),
      },
    });
  });

  it("help lists every command", async () => {
    const help = await runAbm(["help"]);
    expect(help.code).toBe(0);
    for (const name of ["status", "sync", "config check", "approve <id>", "errors [--csv FILE]", "emulate", "start"]) {
      expect(help.stdout).toContain(`abm ${name}`);
    }
  });

  it("npm run abm -- works from the checkout too", async () => {
    const run = await runNpmAbm(["help", "--json"]);
    expect(run.code, run.stderr).toBe(0);
    const doc = json(run.stdout);
    expect(doc.ok).toBe(true);
    expect((doc.commands as { name: string }[]).map((command) => command.name)).toContain("config check");
  });
});
