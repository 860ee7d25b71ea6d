import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

/**
 * `npm run teams:playground -- [--port <bot port>] [--playground-port <port>] [--open]`
 * Starts the Microsoft 365 Agents Playground (Microsoft's local Teams client for bots) against
 * `http://127.0.0.1:$PORT/api/messages` of a service running with anonymous Teams (`abm demo`, or
 * `TEAMS_ALLOW_ANONYMOUS=true`). Like teams:package, this developer script reads PORT directly.
 */
const DEFAULT_PLAYGROUND_PORT = 56150;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      "playground-port": { type: "string" },
      open: { type: "boolean", default: false },
    },
    strict: true,
  });
  const botPort = values.port ?? process.env.PORT ?? "3978";
  const playgroundPort = values["playground-port"] ?? String(DEFAULT_PLAYGROUND_PORT);
  for (const [name, value] of [
    ["--port", botPort],
    ["--playground-port", playgroundPort],
  ] as const) {
    if (!/^\d{1,5}$/.test(value) || Number(value) < 1 || Number(value) > 65_535) {
      process.stderr.write(`teams:playground: ${name} must be a port number (1–65535), got "${value}".\n`);
      return 2;
    }
  }
  const endpoint = `http://127.0.0.1:${botPort}/api/messages`;
  const healthy = await reachable(`http://127.0.0.1:${botPort}/healthz`);
  if (!healthy) {
    process.stderr.write(
      `teams:playground: nothing answers on http://127.0.0.1:${botPort} yet. Start the bot first (\`npm start\`, ` +
        "or `abm serve` with TEAMS_ALLOW_ANONYMOUS=true); the playground connects when you send a message.\n",
    );
  }
  const here = dirname(fileURLToPath(import.meta.url));
  const dataDir = resolve(process.env.ABM_DATA_DIR ?? ".data");
  mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // the service refuses a data directory others may enter
  const logFile = join(dataDir, "agents-playground.log");
  const cli = createRequire(import.meta.url).resolve("@microsoft/m365agentsplayground/cli.js");
  const child = spawn(process.execPath, [cli, "-e", endpoint, "-c", "msteams", "-p", playgroundPort, "--dt"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: {
      ...process.env,
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: join(here, "playground", ".m365agentsplayground.yml"),
      M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
      // the tool spawns xdg-open and exits where there is none: no browser unless asked
      TEAMSAPPTESTER_BROWSER: values.open ? (process.env.TEAMSAPPTESTER_BROWSER ?? "") : "none",
    },
  });
  const url = `http://127.0.0.1:${playgroundPort}`;
  child.stdout.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    if (chunk.toString("utf8").includes("Listening on")) {
      process.stdout.write(
        `\nAgents Playground (a local Teams client) for the bot at ${endpoint}\n` +
          `Open ${url} in a browser. In the personal chat type: status, errors, help.\n` +
          "In the team's channel (Teams → IT → Apple admins): @mention the bot, then `alerts here`.\n" +
          "Ctrl-C stops the playground.\n",
      );
    }
  });
  const stop = (): void => {
    child.kill("SIGTERM");
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const code = await new Promise<number>((done) => {
    child.once("exit", (exitCode, signal) => done(signal === null ? (exitCode ?? 1) : 0));
  });
  if (code !== 0) {
    const reasons = readLogErrors(logFile);
    process.stderr.write(
      `teams:playground: the Agents Playground stopped (exit ${code}).\n${reasons}\nIts log: ${logFile}\n`,
    );
  }
  return code;
}

/** The tool logs why it stopped only to its log file: the last `error` lines. */
function readLogErrors(logFile: string): string {
  if (!existsSync(logFile)) return "(no log written)";
  const errors = readFileSync(logFile, "utf8")
    .split("\n")
    .filter((line) => line.startsWith("error "))
    .slice(-3);
  return errors.length === 0 ? "(no error in its log)" : errors.join("\n");
}

async function reachable(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`teams:playground failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
