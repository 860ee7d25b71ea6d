import { cp, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { z } from "zod";
import { MEMORY_DATA_DIR } from "#db/client.js";
import { initdbInChild } from "#db/pglite-initdb.js";

const packageJson = z.object({ name: z.string().optional(), version: z.string().optional() }).loose();

/**
 * A data directory whose embedded database already exists, for tests that are not about the first
 * start: `<dataDir>/pglite` becomes a copy of one cluster made by the product's own first start
 * (initdbInChild) once per machine and PGlite version, instead of an initdb (~10 s of CPU and
 * ~600 MB) in every test. The first start itself is tested in test/integration/db/pglite-first-start.test.ts
 * and client.test.ts. The copy is an ordinary cluster: the product opens and migrates it as it would
 * any data directory of an earlier run.
 */
export async function seedPgliteDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await cp(await template(), join(dataDir, "pglite"), { recursive: true });
}

/**
 * The data directory that keeps PGlite in memory, started from a dump of a new cluster (made once
 * per machine and PGlite version) instead of an initdb per database: `memory://<dump file>`. The
 * database is as new as a plain `memory://` one; the product migrates it the same way.
 */
export async function memoryDataDir(): Promise<string> {
  dumped ??= makeDump();
  return `${MEMORY_DATA_DIR}${await dumped}`;
}

let made: Promise<string> | undefined;
let dumped: Promise<string> | undefined;

function template(): Promise<string> {
  made ??= makeTemplate();
  return made;
}

async function makeDump(): Promise<string> {
  const path = join(tmpdir(), `abm-test-pglite-${await pgliteVersion()}.tar`);
  const found = await stat(path).then(
    (file) => file.size > 0,
    () => false,
  );
  if (found) return path;
  const fresh = new PGlite();
  try {
    await fresh.waitReady; // dumpDataDir before the start never settles
    const dump = await fresh.dumpDataDir("none");
    // other workers may be writing it too: each writes its own file, renamed into place whole
    const staging = await mkdtemp(join(tmpdir(), "abm-test-pglite-dump-"));
    await writeFile(join(staging, "dump.tar"), Buffer.from(await dump.arrayBuffer()));
    await rename(join(staging, "dump.tar"), path);
    await rm(staging, { recursive: true, force: true });
  } finally {
    await fresh.close();
  }
  return path;
}

async function makeTemplate(): Promise<string> {
  const path = join(tmpdir(), `abm-test-pglite-${await pgliteVersion()}`);
  if (await exists(path)) return path;
  // test files in other workers may be making it too: each makes its own, the first rename wins
  const staging = await mkdtemp(join(tmpdir(), "abm-test-pglite-new-"));
  try {
    await initdbInChild(join(staging, "cluster"));
    await rename(join(staging, "cluster"), path).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return path;
}

/** the version in PGlite's package.json, found upwards from its entry point */
async function pgliteVersion(): Promise<string> {
  const from = dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"));
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const text = await readFile(join(dir, "package.json"), "utf8").catch(() => null);
    if (text === null) continue;
    const parsed = packageJson.parse(JSON.parse(text));
    if (parsed.name === "@electric-sql/pglite" && parsed.version !== undefined) return parsed.version;
  }
  throw new Error(`no @electric-sql/pglite package.json above ${from}`);
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length > 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}
