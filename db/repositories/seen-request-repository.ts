import { lt, lte, sql } from "drizzle-orm";
import type { SeenRequestStore } from "#core/ports/seen-requests.js";
import type { Database } from "../database.js";
import { seenRequests } from "../schema/seen-requests.js";
import { attempt } from "./db-error.js";

/**
 * `seen_requests` behind the SeenRequestStore port. `remember` is one statement: insert, or take
 * over an expired row; a live row makes the upsert a no-op, so exactly one of two racing
 * replicas gets `true`. Every 1,000th call also prunes expired rows.
 */
const PRUNE_EVERY = 1_000;

export function createSeenRequestRepository(db: Database): SeenRequestStore {
  let calls = 0;
  const prune = (now: Date) =>
    attempt("prune seen requests", async () => {
      const rows = await db
        .delete(seenRequests)
        .where(lt(seenRequests.expiresAt, now))
        .returning({ key: seenRequests.key });
      return rows.length;
    });
  return {
    remember: async ({ key, expiresAt, now }) => {
      calls += 1;
      if (calls % PRUNE_EVERY === 0) await prune(now);
      return attempt("remember seen request", async () => {
        const rows = await db
          .insert(seenRequests)
          .values({ key, expiresAt })
          .onConflictDoUpdate({
            target: seenRequests.key,
            set: { expiresAt: sql`excluded.expires_at` },
            setWhere: lte(seenRequests.expiresAt, now),
          })
          .returning({ key: seenRequests.key });
        return rows.length === 1;
      });
    },
    prune,
  };
}
