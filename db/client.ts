import { join } from "node:path";
import type { AppError } from "#core/errors.js";
import { type Logger, silentLogger } from "#core/logger.js";
import type { Result } from "#core/result.js";
import type { DatabaseHandle } from "./database.js";

export type { DatabaseHandle };

export interface OpenDatabaseOptions {
  /** a postgres:// URL (`DATABASE_URL`); unset: embedded PGlite under `<dataDir>/pglite` */
  readonly url?: string | undefined;
  /**
   * the local state folder (`ABM_DATA_DIR`); `memory://` keeps PGlite in memory (tests), and
   * `memory://<file>` starts that in-memory PGlite from a PGlite data-directory dump (`dumpDataDir`)
   * instead of running initdb, which costs seconds per database (tests open hundreds)
   */
  readonly dataDir: string;
  readonly logger?: Logger;
  /** postgres.js pool size (default 10) */
  readonly maxConnections?: number;
}

export const MEMORY_DATA_DIR = "memory://";

/**
 * Opens the database and applies the committed migrations: embedded PGlite when `url` is unset,
 * postgres.js otherwise. Fails with `db.unavailable` (cannot connect) or `db.migration_failed`.
 * Only the driver in use is loaded.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Result<DatabaseHandle, AppError>> {
  const logger = (options.logger ?? silentLogger).child({ component: "db" });
  if (options.url === undefined || options.url === "") {
    const { openPglite } = await import("./open-pglite.js");
    if (!options.dataDir.startsWith(MEMORY_DATA_DIR)) return openPglite(join(options.dataDir, "pglite"), logger);
    const dump = options.dataDir.slice(MEMORY_DATA_DIR.length);
    return openPglite(undefined, logger, dump === "" ? undefined : dump);
  }
  const { openPostgres } = await import("./open-postgres.js");
  return openPostgres(options.url, options.maxConnections ?? 10, logger);
}
