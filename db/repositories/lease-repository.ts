import { and, eq, gt, lte, or, sql } from "drizzle-orm";
import type { LeaseStore } from "#core/ports/store/lease-store.js";
import type { Database } from "../database.js";
import { leases } from "../schema/leases.js";
import { attempt } from "./db-error.js";

/** `leases` behind the LeaseStore port: every change is one compare-and-set statement. */
export function createLeaseRepository(db: Database): LeaseStore {
  const key = (connectionId: string, name: string) => and(eq(leases.connectionId, connectionId), eq(leases.name, name));
  return {
    acquire: (request) =>
      attempt("acquire lease", async () => {
        const expiresAt = new Date(request.now.getTime() + request.ttlMs);
        const rows = await db
          .insert(leases)
          .values({
            connectionId: request.connectionId,
            name: request.name,
            holder: request.holder,
            expiresAt,
            createdAt: request.now,
            updatedAt: request.now,
          })
          .onConflictDoUpdate({
            target: [leases.connectionId, leases.name],
            set: { holder: sql`excluded.holder`, expiresAt: sql`excluded.expires_at`, updatedAt: request.now },
            // free when expired, or already ours (then extended)
            setWhere: or(lte(leases.expiresAt, request.now), eq(leases.holder, request.holder)) ?? sql`false`,
          })
          .returning({ holder: leases.holder });
        return rows.length === 1;
      }),
    renew: (request) =>
      attempt("renew lease", async () => {
        const rows = await db
          .update(leases)
          .set({ expiresAt: new Date(request.now.getTime() + request.ttlMs), updatedAt: request.now })
          .where(
            and(
              key(request.connectionId, request.name),
              eq(leases.holder, request.holder),
              gt(leases.expiresAt, request.now),
            ),
          )
          .returning({ holder: leases.holder });
        return rows.length === 1;
      }),
    release: (input) =>
      attempt("release lease", async () => {
        const rows = await db
          .delete(leases)
          .where(and(key(input.connectionId, input.name), eq(leases.holder, input.holder)))
          .returning({ holder: leases.holder });
        return rows.length === 1;
      }),
    get: (connectionId, name) =>
      attempt("read lease", async () => {
        const rows = await db
          .select({
            connectionId: leases.connectionId,
            name: leases.name,
            holder: leases.holder,
            expiresAt: leases.expiresAt,
          })
          .from(leases)
          .where(key(connectionId, name));
        return rows[0] ?? null;
      }),
  };
}
