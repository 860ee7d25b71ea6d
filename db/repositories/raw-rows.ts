import type { SQL } from "drizzle-orm";
import { z } from "zod";
import type { Database } from "../database.js";
import { invalidRow } from "./db-error.js";

/**
 * Runs a hand-written statement and returns its rows parsed with `schema`. The two drivers shape
 * raw results differently (postgres.js: an array of rows; PGlite: `{ rows }`); this is the one
 * place that knows.
 */
export async function queryRows<T>(db: Database, query: SQL, schema: z.ZodType<T>, operation: string): Promise<T[]> {
  const result: unknown = await db.execute(query);
  const rows = Array.isArray(result) ? result : z.object({ rows: z.array(z.unknown()) }).parse(result).rows;
  const parsed = z.array(schema).safeParse(rows);
  if (!parsed.success) throw invalidRow(operation, parsed.error.issues[0]?.message ?? "unexpected row");
  return parsed.data;
}
