// In-process tests of the CLI router (no spawn, so they are fast); the spawned bin is in abm-bin.test.ts.
import { describe, expect, it } from "vitest";
import { createLocalAppAccess } from "#app/cli/app-access.js";
import { type CliCommand, emitted, failure, success, usageError } from "#app/cli/command.js";
import { createCommandRegistry } from "#app/cli/commands/registry.js";
import { createStartCommand } from "#app/cli/commands/start.js";
import { runCli } from "#app/cli/router.js";
import { loadConfig } from "#config/load-config.js";
import type { Clock } from "#core/clock.js";
import { AppError } from "#core/errors.js";
import { FULL_ENV, MINIMAL_ENV, SECRETS } from "#test/support/config/env-fixtures.js";

const fixedClock: Clock = { now: () => new Date("2027-04-20T00:00:00Z"), sleep: async () => undefined };

async function cli(argv: string[], env: Record<string, string> = {}, commands?: readonly CliCommand[]) {
  let stdout = "";
  let stderr = "";
  const code = await runCli({
    argv,
    config: loadConfig(env),
    stdout: {
      write: (text) => {
        stdout += text;
      },
    },
    stderr: {
      write: (text) => {
        stderr += text;
      },
    },
    commands:
      commands ??
      createCommandRegistry({ clock: fixedClock, access: createLocalAppAccess({ clock: fixedClock }), env: {} }),
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr, doc: () => JSON.parse(stdout) as Record<string, unknown> };
}

describe("CLI router", () => {
  it.each([
    [["bogus"], "cli.unknown_command"],
    [["config"], "cli.missing_command"],
    [[], "cli.missing_command"],
    [["sync", "--fast"], "cli.bad_flag"],
    [["sync", "--full=yes"], "cli.bad_flag"],
    [["sync", "--full", "--full"], "cli.bad_flag"],
    [["sync", "-f"], "cli.bad_flag"],
    [["check"], "cli.missing_argument"],
    [["check", "a b"], "cli.bad_argument"],
    [["check", "ann@example.com", "extra"], "cli.bad_argument"],
    [["scope", "everyone"], "cli.bad_argument"],
    [["approve"], "cli.missing_argument"],
    [["approve", "apr/../x"], "cli.bad_argument"],
    [["errors", "--csv"], "cli.missing_argument"],
    [["history", "--limit", "0"], "cli.bad_flag"],
    [["history", "--limit=ten"], "cli.bad_flag"],
    [["emulate", "--graph-port", "70000"], "cli.bad_flag"],
    [["help", "nope"], "cli.unknown_command"],
  ])("%j is bad usage (exit 2, %s)", async (argv, code) => {
    const text = await cli(argv);
    expect(text.code).toBe(2);
    expect(text.stdout).toBe("");
    expect(text.stderr).toMatch(/^abm: /);
    const json = await cli([...argv, "--json"]);
    expect(json.code).toBe(2);
    expect(json.doc()).toMatchObject({ ok: false, error: { code } });
  });

  it("usage errors win over configuration errors (nothing is loaded for a wrong command line)", async () => {
    expect((await cli(["bogus", "--json"], { PORT: "x" })).doc()).toMatchObject({
      error: { code: "cli.unknown_command" },
    });
  });

  it.each([
    ["status"],
    ["sync", "--full", "--dry-run"],
    ["restart"],
    ["check", "ann@example.com"],
    ["provision", "11111111-2222-4333-8444-555555555555"],
    ["scope", "all"],
    ["pause"],
    ["resume"],
    ["approvals"],
    ["approve", "apr_abc123"],
    ["reject", "apr_abc123"],
    ["errors", "--csv", "/tmp/x.csv"],
    ["history", "--limit=5"],
  ])("%s … with nothing configured and no demo running exits 1 and says how to start the demo", async (...argv) => {
    const run = await cli([...argv, "--json"]);
    expect(run.code).toBe(1);
    expect(run.doc()).toMatchObject({ ok: false, error: { code: "cli.demo_not_running" } });
    const text = await cli(argv);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/npm start/);
  });

  it("start runs demo in demo mode and serve otherwise", async () => {
    const ran: string[] = [];
    const fake = (name: string): CliCommand => ({
      name,
      usage: `abm ${name}`,
      summary: name,
      args: [],
      flags: [],
      run: async () => {
        ran.push(name);
        return success({ ran: name }, name);
      },
    });
    const commands = [createStartCommand({ serve: fake("serve"), demo: fake("demo") })];
    expect((await cli(["start", "--json"], {}, commands)).doc()).toMatchObject({ ok: true, ran: "demo" });
    expect((await cli(["start", "--json"], MINIMAL_ENV, commands)).doc()).toMatchObject({ ok: true, ran: "serve" });
    expect(ran).toEqual(["demo", "serve"]);
  });

  it("help: overview, one command, --help, and JSON", async () => {
    const overview = await cli(["help"]);
    expect(overview.code).toBe(0);
    expect((await cli(["--help"])).stdout).toBe(overview.stdout);
    const one = await cli(["help", "config", "check"]);
    expect(one.stdout).toMatch(/^Usage: abm config check/);
    expect((await cli(["config", "check", "--help"])).stdout).toBe(one.stdout);
    const json = (await cli(["help", "--json"])).doc();
    const names = (json.commands as { name: string }[]).map((command) => command.name);
    expect(names).toEqual(expect.arrayContaining(["help", "status", "sync", "config check", "emulate", "start"]));
  });

  it("every command's usage starts with its name and mentions each of its flags and arguments", () => {
    const commands = createCommandRegistry({
      clock: fixedClock,
      access: createLocalAppAccess({ clock: fixedClock }),
      env: {},
    });
    expect(new Set(commands.map((command) => command.name)).size).toBe(commands.length);
    for (const command of commands) {
      expect(command.usage.startsWith(`abm ${command.name}`), command.name).toBe(true);
      for (const flag of command.flags) expect(command.usage, command.name).toContain(`--${flag.name}`);
      for (const arg of command.args)
        expect(command.usage, command.name).toMatch(new RegExp(`<(${arg.name}|${(arg.choices ?? []).join("\\|")})>`));
    }
  });

  it("invalid configuration: exit 2 with the one message (text on stderr, JSON on stdout)", async () => {
    const env = { SYNC_INTERVAL: "4s", PORT: "99999", SLACK_BOT_TOKEN: SECRETS.botToken };
    const text = await cli(["config", "check"], env);
    expect(text.code).toBe(2);
    expect(text.stderr.split("\n").filter((line) => /^ {2}[A-Z_]+: /.test(line))).toHaveLength(3);
    expect(text.stderr).not.toContain(SECRETS.botToken);
    const json = await cli(["config", "check", "--json"], env);
    expect(json.doc()).toMatchObject({ ok: false, error: { code: "config.invalid", problems: expect.any(Array) } });
    expect(json.stdout).not.toContain(SECRETS.botToken);
  });

  it("config check warns about an expiring token and shows demo mode", async () => {
    const full = (await cli(["config", "check", "--json"], FULL_ENV)).doc();
    expect(full.warnings).toEqual(expect.arrayContaining(["The ABM SCIM token expires in 11 days."]));
    const demo = await cli(["config", "check"]);
    expect(demo.stdout).toMatch(/Mode +demo/);
  });

  it("a command may print early (long-running) and exactly one document reaches stdout", async () => {
    const early: CliCommand = {
      name: "early",
      usage: "abm early",
      summary: "prints then fails",
      args: [],
      flags: [],
      run: async (ctx) => {
        ctx.print({ url: "http://127.0.0.1:1" }, "started");
        return ctx.signal.aborted ? emitted() : failure(new AppError("cli.unexpected", "later failure"));
      },
    };
    const run = await cli(["early", "--json"], {}, [early]);
    expect(run.code).toBe(1);
    expect(run.doc()).toEqual({ ok: true, url: "http://127.0.0.1:1" });
    expect(run.stderr).toMatch(/later failure/);
  });

  it("a thrown error becomes exit 1 with a coded error; success data is wrapped with ok:true", async () => {
    const thrower: CliCommand = {
      name: "boom",
      usage: "abm boom",
      summary: "throws",
      args: [],
      flags: [],
      run: async () => {
        throw new Error("kaput");
      },
    };
    const fine: CliCommand = { ...thrower, name: "fine", usage: "abm fine", run: async () => success({ n: 1 }, "one") };
    const misuse: CliCommand = {
      ...thrower,
      name: "misuse",
      usage: "abm misuse <x>",
      run: async () => usageError("cli.bad_argument", "x and y cannot be combined"),
    };
    const refused = await cli(["misuse"], {}, [misuse]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe("abm: x and y cannot be combined\nUsage: abm misuse <x>\n");
    const boom = await cli(["boom", "--json"], {}, [thrower, fine]);
    expect(boom.code).toBe(1);
    expect(boom.doc()).toEqual({
      ok: false,
      error: { code: "cli.unexpected", message: "kaput", retryable: false, fix: expect.any(String) },
    });
    expect((await cli(["fine", "--json"], {}, [thrower, fine])).doc()).toEqual({ ok: true, n: 1 });
    expect((await cli(["fine"], {}, [thrower, fine])).stdout).toBe("one\n");
  });
});
