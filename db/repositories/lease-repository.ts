import { and, eq, lte, or, sql } from "drizzle-orm";
import type { EngineStore } from "#core/engine/engine-store.js";
import type { Database } from "../database.js";
import { leases } from "../schema/leases.js";
import { attemptOrThrow } from "./db-error.js";

/**
 * The connection's leases (e.g. `cycle`): every change is one compare-and-set statement, so at
 * most one holder at a time across every process sharing the database. A holder that stops
 * renewing loses the lease when it expires.
 */
export function connectionLeases(
  db: Database,
  connectionId: string,
): Pick<EngineStore, "acquireLease" | "releaseLease"> {
  return {
    acquireLease: (name, holder, ttlMs, now) =>
      attemptOrThrow("acquire lease", async () => {
        const rows = await db
          .insert(leases)
          .values({
            connectionId,
            name,
            holder,
            expiresAt: new Date(now.getTime() + ttlMs),
            createdAt: now,
            updatedAt: now,
          })
          .onConflictDoUpdate({
            target: [leases.connectionId, leases.name],
            set: { holder: sql`excluded.holder`, expiresAt: sql`excluded.expires_at`, updatedAt: now },
            // free when expired, or already ours (then extended)
            setWhere: or(lte(leases.expiresAt, now), eq(leases.holder, holder)) ?? sql`false`,
          })
          .returning({ holder: leases.holder });
        return rows.length === 1;
      }),
    releaseLease: (name, holder) =>
      attemptOrThrow("release lease", async () => {
        const rows = await db
          .delete(leases)
          .where(and(eq(leases.connectionId, connectionId), eq(leases.name, name), eq(leases.holder, holder)))
          .returning({ holder: leases.holder });
        return rows.length === 1;
      }),
  };
}
