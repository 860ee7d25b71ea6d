import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type * as schema from "./schema/index.js";

export type Schema = typeof schema;

/**
 * What every repository takes: a drizzle database for either driver (PGlite or postgres.js) or a
 * transaction opened on one (`db.transaction(async (tx) => createRunRepository(tx)…)`).
 */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

export type DatabaseKind = "pglite" | "postgres";

/** An open database, whichever driver (db/client.ts `openDatabase`). */
export interface DatabaseHandle {
  readonly db: Database;
  readonly kind: DatabaseKind;
  /** closes the pool or the embedded database; safe to call twice */
  close(): Promise<void>;
}
