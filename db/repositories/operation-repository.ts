import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { JournalCompletion, JournalEntry, JournaledOperation } from "#core/engine/engine-store.js";
import type { Database } from "../database.js";
import { syncOperations } from "../schema/sync-operations.js";
import { chunk } from "./db-error.js";
import { queryRows } from "./raw-rows.js";

/** `sync_operations`: the run journal. */
const INSERT_BATCH = 5_000;
const UPDATE_BATCH = 5_000;
const FINAL: readonly string[] = ["succeeded", "failed", "held", "skipped"];

/**
 * Journals a run's planned operations before anything is applied (one JSON parameter per batch);
 * an entry whose dedup key is already journaled for the run is skipped, so a re-plan after a crash
 * is safe. Returns how many rows were inserted.
 */
export async function journalOperations(
  db: Database,
  connectionId: string,
  runId: string,
  entries: readonly JournalEntry[],
  now: Date,
): Promise<number> {
  const stamp = now.toISOString();
  let inserted = 0;
  for (const batch of chunk(entries, INSERT_BATCH)) {
    const rows = JSON.stringify(
      batch.map((entry) => ({
        id: entry.id,
        entra_id: entry.entraId,
        user_name: entry.userName,
        action: entry.action,
        status: entry.status,
        reason: entry.reason,
        dedup_key: entry.dedupKey,
        final: FINAL.includes(entry.status),
      })),
    );
    const ids = await queryRows(
      db,
      sql`
        insert into sync_operations
          (id, connection_id, run_id, entra_id, user_name, action, status, reason, dedup_key,
           finished_at, created_at, updated_at)
        select r.id, ${connectionId}, ${runId}, r.entra_id, r.user_name, r.action, r.status,
               r.reason, r.dedup_key, case when r.final then ${stamp}::timestamptz end,
               ${stamp}::timestamptz, ${stamp}::timestamptz
        from jsonb_to_recordset(${rows}::jsonb) as r(id text, entra_id text, user_name text, action text,
               status text, reason text, dedup_key text, final boolean)
        on conflict (run_id, dedup_key) do nothing
        returning id`,
      z.object({ id: z.string() }),
      "journal operations",
    );
    inserted += ids.length;
  }
  return inserted;
}

/** Stamps the final status of applied operations of one run of the connection (one statement per batch). */
export async function completeOperations(
  db: Database,
  connectionId: string,
  runId: string,
  completions: readonly JournalCompletion[],
  now: Date,
): Promise<number> {
  let updated = 0;
  for (const batch of chunk(completions, UPDATE_BATCH)) {
    const values = JSON.stringify(
      batch.map((c) => ({ id: c.id, status: c.status, error_code: c.errorCode, error_message: c.errorMessage })),
    );
    const rows = await db
      .update(syncOperations)
      .set({
        status: sql`v.status`,
        errorCode: sql`v.error_code`,
        errorMessage: sql`v.error_message`,
        finishedAt: now,
        updatedAt: now,
      })
      .from(sql`jsonb_to_recordset(${values}::jsonb) as v(id text, status text, error_code text, error_message text)`)
      .where(
        and(
          eq(syncOperations.connectionId, connectionId),
          eq(syncOperations.runId, runId),
          sql`${syncOperations.id} = v.id`,
        ),
      )
      .returning({ id: syncOperations.id });
    updated += rows.length;
  }
  return updated;
}

/** The newest journaled operation of one Entra user of the connection (the `(connection, entra_id)` index). */
export async function lastOperation(
  db: Database,
  connectionId: string,
  entraId: string,
): Promise<JournaledOperation | null> {
  const [row] = await db
    .select({
      runId: syncOperations.runId,
      action: syncOperations.action,
      status: syncOperations.status,
      reason: syncOperations.reason,
      errorCode: syncOperations.errorCode,
      errorMessage: syncOperations.errorMessage,
      finishedAt: syncOperations.finishedAt,
      createdAt: syncOperations.createdAt,
    })
    .from(syncOperations)
    .where(and(eq(syncOperations.connectionId, connectionId), eq(syncOperations.entraId, entraId)))
    .orderBy(desc(syncOperations.createdAt), desc(syncOperations.finishedAt))
    .limit(1);
  if (row === undefined) return null;
  const { finishedAt, createdAt, ...rest } = row;
  return { ...rest, at: finishedAt ?? createdAt };
}
