import { and, eq } from "drizzle-orm";
import type { NamedValueStore } from "#core/ports/named-values.js";
import type { Database } from "../database.js";
import { watermarks } from "../schema/watermarks.js";
import { attemptOrThrow } from "./db-error.js";

/** `watermarks`: named resumption points per connection (the native engine's `users.delta`, the entra engine's cursors). */
const key = (connectionId: string, name: string) =>
  and(eq(watermarks.connectionId, connectionId), eq(watermarks.name, name));

export async function readWatermark(db: Database, connectionId: string, name: string): Promise<string | null> {
  const rows = await db.select({ value: watermarks.value }).from(watermarks).where(key(connectionId, name));
  return rows[0]?.value ?? null;
}

export async function writeWatermark(
  db: Database,
  connectionId: string,
  name: string,
  value: string,
  now: Date,
): Promise<void> {
  await db
    .insert(watermarks)
    .values({ connectionId, name, value, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: [watermarks.connectionId, watermarks.name], set: { value, updatedAt: now } });
}

export async function deleteWatermark(db: Database, connectionId: string, name: string): Promise<void> {
  await db.delete(watermarks).where(key(connectionId, name));
}

/** The entra engine's named values of one connection. */
export function createNamedValueStore(db: Database, connectionId: string, now: () => Date): NamedValueStore {
  return {
    get: (name) => attemptOrThrow("read watermark", () => readWatermark(db, connectionId, name)),
    set: (name, value) => attemptOrThrow("save watermark", () => writeWatermark(db, connectionId, name, value, now())),
  };
}
