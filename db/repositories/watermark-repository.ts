import { and, eq } from "drizzle-orm";
import type { WatermarkStore } from "#core/ports/store/watermark-store.js";
import type { Database } from "../database.js";
import { watermarks } from "../schema/watermarks.js";
import { attempt } from "./db-error.js";

/** `watermarks` behind the WatermarkStore port. */
export function createWatermarkRepository(db: Database): WatermarkStore {
  const key = (connectionId: string, name: string) =>
    and(eq(watermarks.connectionId, connectionId), eq(watermarks.name, name));
  return {
    get: (connectionId, name) =>
      attempt("read watermark", async () => {
        const rows = await db.select({ value: watermarks.value }).from(watermarks).where(key(connectionId, name));
        return rows[0]?.value ?? null;
      }),
    set: (connectionId, name, value, now) =>
      attempt("save watermark", async () => {
        await db
          .insert(watermarks)
          .values({ connectionId, name, value, createdAt: now, updatedAt: now })
          .onConflictDoUpdate({ target: [watermarks.connectionId, watermarks.name], set: { value, updatedAt: now } });
      }),
    clear: (connectionId, name) =>
      attempt("clear watermark", async () => {
        const rows = await db.delete(watermarks).where(key(connectionId, name)).returning({ name: watermarks.name });
        return rows.length > 0;
      }),
  };
}
