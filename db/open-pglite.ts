import { chmod, mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import { migrate } from "drizzle-orm/pglite/migrator";
import { AppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import { err, ok, type Result } from "#core/result.js";
import type { DatabaseHandle } from "./database.js";
import { MIGRATIONS_FOLDER, migrationFailed } from "./migration-support.js";
import { initdbInChild, isNewDirectory } from "./pglite-initdb.js";
import * as schema from "./schema/index.js";

/**
 * Embedded PGlite in `directory` (undefined: in memory), after the migrations. A new directory's
 * cluster is created by a short child process first (pglite-initdb.ts); in memory there is nothing
 * to keep, so tests stay in one process. In memory, `memoryDump` (a file written from PGlite's
 * `dumpDataDir`) is the cluster to start from instead of a new one.
 */
export async function openPglite(
  directory: string | undefined,
  logger: Logger,
  memoryDump?: string,
): Promise<Result<DatabaseHandle, AppError>> {
  const started = Date.now();
  let created = false;
  let client: PGlite | undefined;
  try {
    if (directory !== undefined && (await isNewDirectory(directory))) {
      await initdbInChild(directory);
      created = true;
    }
    if (directory !== undefined) await mkdir(directory, { recursive: true, mode: 0o700 });
    client =
      directory === undefined && memoryDump !== undefined
        ? new PGlite({ loadDataDir: new Blob([await readFile(memoryDump)]) })
        : new PGlite(directory);
    await client.waitReady;
    if (directory !== undefined) await makePrivate(directory);
  } catch (error) {
    await client?.close().catch(() => undefined);
    if (error instanceof AppError) return err(error);
    return err(
      new AppError("db.unavailable", `Could not open the embedded database in ${directory ?? "memory"}.`, {
        context: { directory: directory ?? "memory", ...(memoryDump === undefined ? {} : { memoryDump }) },
        cause: error,
      }),
    );
  }
  const db = drizzle({ client, schema });
  try {
    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (error) {
    await client.close().catch(() => undefined);
    return err(migrationFailed(error));
  }
  logger.info(
    { kind: "pglite", inMemory: directory === undefined, created, ms: Date.now() - started },
    "database ready",
  );
  const pglite = client;
  let closed = false;
  return ok({
    db,
    kind: "pglite",
    close: async () => {
      if (closed) return;
      closed = true;
      await pglite.close();
    },
  });
}

/**
 * PGlite writes the files of a new cluster 0666 (emscripten sets the mode itself, whatever the
 * process umask); they hold user links, audit and approvals, so the tree is made owner-only.
 */
async function makePrivate(directory: string): Promise<void> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  const tighten = (path: string, mode: number): Promise<void> =>
    chmod(path, mode).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error; // a file PostgreSQL just removed
    });
  await tighten(directory, 0o700);
  for (const entry of entries) {
    const path = join(entry.parentPath, entry.name);
    if (entry.isDirectory()) await tighten(path, 0o700);
    else if (entry.isFile()) await tighten(path, 0o600);
  }
}
