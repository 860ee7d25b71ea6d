import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = new URL("../../../", import.meta.url);
const BIN = new URL("bin/abm.js", ROOT);

export interface AbmRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs the real `abm` bin with ONLY the given variables (plus PATH and a scratch HOME), so the
 * developer's environment never leaks into the test. Bounded by a timeout.
 */
export function runAbm(
  args: readonly string[],
  env: Readonly<Record<string, string>> = {},
  timeoutMs = 30_000,
): Promise<AbmRun> {
  return run(process.execPath, [BIN.pathname, ...args], env, null, timeoutMs);
}

/** `npm run -s abm -- ...` from the checkout (same controlled environment). */
export function runNpmAbm(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<AbmRun> {
  return run("npm", ["run", "-s", "abm", "--", ...args], env, ROOT.pathname, 30_000);
}

function run(
  file: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  cwd: string | null,
  timeoutMs: number,
): Promise<AbmRun> {
  const home = mkdtempSync(join(tmpdir(), "abm-cli-"));
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      {
        cwd: cwd ?? home,
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, NO_COLOR: "1", ...env },
        timeout: timeoutMs,
        encoding: "utf8",
      },
      (error, stdout, stderr) => {
        if (error !== null && typeof error.code !== "number") {
          reject(error);
          return;
        }
        resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr });
      },
    );
  });
}
