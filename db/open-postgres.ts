import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";
import type { AppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import { err, ok, type Result } from "#core/result.js";
import type { DatabaseHandle } from "./database.js";
import { MIGRATIONS_FOLDER, migrationFailed } from "./migration-support.js";
import { toDbError } from "./repositories/db-error.js";
import * as schema from "./schema/index.js";

/** one lock id for every process migrating the same Postgres database */
const MIGRATION_LOCK_ID = 7_342_001;

/** postgres.js on `url`, after the migrations (one process at a time). */
export async function openPostgres(
  url: string,
  max: number,
  logger: Logger,
): Promise<Result<DatabaseHandle, AppError>> {
  const started = Date.now();
  const migrated = await migrateWithLock(url);
  if (!migrated.ok) return migrated;
  const client = postgres(url, { max, onnotice: () => undefined });
  const db = drizzle({ client, schema });
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
      await migrate(drizzle({ client, schema }), { migrationsFolder: MIGRATIONS_FOLDER });
    } catch (error) {
      return err(migrationFailed(error));
    }
    await client`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`.catch(() => undefined);
    return ok(undefined);
  } finally {
    await client.end({ timeout: 5 }).catch(() => undefined);
  }
}
