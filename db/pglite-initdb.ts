import { spawn } from "node:child_process";
import { mkdir, readdir, rename, rm, rmdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { AppError } from "#core/errors.js";

/**
 * What the child runs (plain CommonJS, so it needs no TypeScript loader and works the same from
 * tsx, vitest and compiled JS): PGlite's first start, which is Postgres' initdb, then a clean close.
 * argv: the path of PGlite's module, the directory.
 */
const CHILD_SOURCE = `
const [pglitePath, directory] = process.argv.slice(1);
const { PGlite } = require(pglitePath);
const db = new PGlite(directory);
db.waitReady.then(() => db.close()).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error));
    process.exit(1);
  },
);`;

/** initdb takes seconds; this bounds a child that hangs */
const INITDB_TIMEOUT_MS = 180_000;
const STDERR_KEPT = 2_000;

/** A PGlite directory that does not exist yet, or is empty: opening it would run initdb. */
export async function isNewDirectory(directory: string): Promise<boolean> {
  try {
    return (await readdir(directory)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return true;
    throw error;
  }
}

/**
 * Creates the PGlite cluster in `directory` (missing or empty) in a short child process. PGlite's
 * initdb grows its WebAssembly heap to ~630 MB and WebAssembly memory never shrinks, while opening an
 * existing cluster needs ~200 MB: a service that ran initdb itself would keep the difference for
 * good. The child writes into `<directory>.initdb`, renamed into place once complete, so an
 * interrupted first start leaves no half-made cluster to open.
 */
export async function initdbInChild(directory: string): Promise<void> {
  const staging = `${directory}.initdb`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true, mode: 0o700 });
  try {
    await runChild([createRequire(import.meta.url).resolve("@electric-sql/pglite"), staging], directory);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await rmdir(directory).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error; // an empty leftover is removed
  });
  await rename(staging, directory);
}

function runChild(args: readonly string[], directory: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", CHILD_SOURCE, ...args], {
      stdio: ["ignore", "ignore", "pipe"],
      timeout: INITDB_TIMEOUT_MS,
    });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT);
    });
    child.once("error", (error) => reject(failed(directory, error.message, error)));
    child.once("close", (code, signal) => {
      if (code === 0) resolve();
      else {
        const how = signal === null ? `exit code ${code}` : `signal ${signal}`;
        reject(failed(directory, `${how}${stderr.trim() === "" ? "" : `: ${stderr.trim()}`}`));
      }
    });
  });
}

function failed(directory: string, detail: string, cause?: unknown): AppError {
  return new AppError("db.unavailable", `Creating the embedded database in ${directory} failed (${detail}).`, {
    context: { directory },
    ...(cause === undefined ? {} : { cause }),
  });
}
