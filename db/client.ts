import { chmod, mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePostgres } from "drizzle-orm/postgres-js";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import { AppError } from "#core/errors.js";
import { type Logger, silentLogger } from "#core/logger.js";
import { err, ok, type Result } from "#core/result.js";
import type { Database, DatabaseKind } from "./database.js";
import { toDbError } from "./repositories/db-error.js";
import * as schema from "./schema/index.js";

export interface OpenDatabaseOptions {
  /** a postgres:// URL (`DATABASE_URL`); unset: embedded PGlite under `<dataDir>/pglite` */
  readonly url?: string | undefined;
  /** the local state folder (`ABM_DATA_DIR`); `memory://` keeps PGlite in memory (tests) */
  readonly dataDir: string;
  readonly logger?: Logger;
  /** postgres.js pool size (default 10) */
  readonly maxConnections?: number;
}

export interface DatabaseHandle {
  readonly db: Database;
  readonly kind: DatabaseKind;
  /** closes the pool or the embedded database; safe to call twice */
  close(): Promise<void>;
}

export const MEMORY_DATA_DIR = "memory://";
const MIGRATIONS_FOLDER = fileURLToPath(new URL("./migrations/", import.meta.url));
/** one lock id for every process migrating the same Postgres database */
const MIGRATION_LOCK_ID = 7_342_001;

/**
 * Opens the database and applies the committed migrations: embedded PGlite when `url` is unset,
 * postgres.js otherwise. Fails with `db.unavailable` (cannot connect) or `db.migration_failed`.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Result<DatabaseHandle, AppError>> {
  const logger = (options.logger ?? silentLogger).child({ component: "db" });
  return options.url === undefined || options.url === ""
    ? openPglite(options.dataDir, logger)
    : openPostgres(options.url, options.maxConnections ?? 10, logger);
}

async function openPglite(dataDir: string, logger: Logger): Promise<Result<DatabaseHandle, AppError>> {
  const started = Date.now();
  const inMemory = dataDir === MEMORY_DATA_DIR;
  const directory = inMemory ? undefined : join(dataDir, "pglite");
  let client: PGlite | undefined;
  try {
    if (directory !== undefined) await mkdir(directory, { recursive: true, mode: 0o700 });
    client = new PGlite(directory);
    await client.waitReady;
    if (directory !== undefined) await makePrivate(directory);
  } catch (error) {
    await client?.close().catch(() => undefined);
    return err(
      new AppError("db.unavailable", `Could not open the embedded database in ${directory ?? "memory"}.`, {
        context: { dataDir },
        cause: error,
      }),
    );
  }
  const db = drizzlePglite({ client, schema });
  try {
    await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (error) {
    await client.close().catch(() => undefined);
    return err(migrationFailed(error));
  }
  logger.info({ kind: "pglite", inMemory, ms: Date.now() - started }, "database ready");
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

async function openPostgres(url: string, max: number, logger: Logger): Promise<Result<DatabaseHandle, AppError>> {
  const started = Date.now();
  const migrated = await migrateWithLock(url);
  if (!migrated.ok) return migrated;
  const client = postgres(url, { max, onnotice: () => undefined });
  const db = drizzlePostgres({ client, schema });
  logger.info({ kind: "postgres", ms: Date.now() - started }, "database ready");
  let closed = false;
  return ok({
    db,
    kind: "postgres",
    close: async () => {
      if (closed) return;
      closed = true;
      await client.end({ timeout: 5 });
    },
  });
}

/** Replicas starting together migrate one at a time: a session advisory lock on one dedicated connection. */
async function migrateWithLock(url: string): Promise<Result<void, AppError>> {
  const client = postgres(url, { max: 1, onnotice: () => undefined, connect_timeout: 10 });
  try {
    try {
      await client`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    } catch (error) {
      return err(toDbError(error, "open database"));
    }
    try {
      await migratePostgres(drizzlePostgres({ client, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
    } catch (error) {
      return err(migrationFailed(error));
    }
    await client`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.catch(() => undefined);
    return ok(undefined);
  } finally {
    await client.end({ timeout: 5 }).catch(() => undefined);
  }
}

function migrationFailed(error: unknown): AppError {
  const cause = toDbError(error, "migrate");
  if (cause.code === "db.unavailable") return cause;
  return new AppError("db.migration_failed", `Applying the database migrations failed: ${cause.message}`, {
    context: cause.context,
    cause: error,
  });
}
