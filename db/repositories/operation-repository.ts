import { and, desc, eq, gte, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import type { OperationRecord, OperationStatus, OperationStore } from "#core/ports/store/operation-store.js";
import type { Database } from "../database.js";
import { syncOperations } from "../schema/sync-operations.js";
import { attempt, chunk, invalidRow } from "./db-error.js";
import { queryRows } from "./raw-rows.js";

type Row = typeof syncOperations.$inferSelect;

const INSERT_BATCH = 5_000;
const UPDATE_BATCH = 5_000;
const FINAL: readonly OperationStatus[] = ["succeeded", "failed", "held", "skipped"];

const rowSchema = z.object({
  action: z.enum(["create", "adopt", "update", "deactivate", "delete", "skip"]),
  status: z.enum(["pending", "running", "succeeded", "failed", "held", "skipped"]),
});

function toRecord(row: Row): OperationRecord {
  const parsed = rowSchema.safeParse(row);
  if (!parsed.success) throw invalidRow("read operation", parsed.error.issues[0]?.message ?? "invalid");
  return { ...row, action: parsed.data.action, status: parsed.data.status };
}

/** `sync_operations` (the run journal) behind the OperationStore port. */
export function createOperationRepository(db: Database): OperationStore {
  return {
    journal: (input) =>
      attempt("journal operations", async () => {
        const stamp = input.now.toISOString();
        let inserted = 0;
        for (const batch of chunk(input.entries, INSERT_BATCH)) {
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
          // one JSON parameter per batch; a dedup key already journaled for the run is skipped
          const ids = await queryRows(
            db,
            sql`
              insert into sync_operations
                (id, connection_id, run_id, entra_id, user_name, action, status, reason, dedup_key,
                 finished_at, created_at, updated_at)
              select r.id, ${input.connectionId}, ${input.runId}, r.entra_id, r.user_name, r.action, r.status,
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
      }),
    update: (input) =>
      attempt("update operations", async () => {
        let updated = 0;
        for (const batch of chunk(input.updates, UPDATE_BATCH)) {
          const values = JSON.stringify(
            batch.map((u) => ({
              id: u.id,
              status: u.status,
              error_code: u.errorCode ?? null,
              error_message: u.errorMessage ?? null,
              final: FINAL.includes(u.status),
            })),
          );
          const rows = await db
            .update(syncOperations)
            .set({
              status: sql`v.status`,
              errorCode: sql`v.error_code`,
              errorMessage: sql`v.error_message`,
              attempts: sql`${syncOperations.attempts} + (case when v.status = 'running' then 1 else 0 end)`,
              startedAt: sql`case when v.status = 'running' then ${input.now.toISOString()}::timestamptz else ${syncOperations.startedAt} end`,
              finishedAt: sql`case when v.final then ${input.now.toISOString()}::timestamptz else null end`,
              updatedAt: input.now,
            })
            .from(
              sql`jsonb_to_recordset(${values}::jsonb) as v(id text, status text, error_code text, error_message text, final boolean)`,
            )
            .where(and(eq(syncOperations.runId, input.runId), sql`${syncOperations.id} = v.id`))
            .returning({ id: syncOperations.id });
          updated += rows.length;
        }
        return updated;
      }),
    listByRun: (runId, options = {}) =>
      attempt("list operations", async () => {
        const conditions = [eq(syncOperations.runId, runId)];
        if (options.status !== undefined) conditions.push(eq(syncOperations.status, options.status));
        const query = db
          .select()
          .from(syncOperations)
          .where(and(...conditions))
          .orderBy(syncOperations.createdAt, syncOperations.id);
        const rows = options.limit === undefined ? await query : await query.limit(options.limit);
        return rows.map(toRecord);
      }),
    lastForUser: (connectionId, entraId) =>
      attempt("read last operation", async () => {
        const rows = await db
          .select()
          .from(syncOperations)
          .where(and(eq(syncOperations.connectionId, connectionId), eq(syncOperations.entraId, entraId)))
          .orderBy(desc(syncOperations.updatedAt), desc(syncOperations.id))
          .limit(1);
        return rows[0] === undefined ? null : toRecord(rows[0]);
      }),
    succeededKeys: (connectionId, dedupKeys, since) =>
      attempt("read succeeded operations", async () => {
        const found = new Set<string>();
        for (const batch of chunk(dedupKeys, UPDATE_BATCH)) {
          const rows = await db
            .selectDistinct({ key: syncOperations.dedupKey })
            .from(syncOperations)
            .where(
              and(
                eq(syncOperations.connectionId, connectionId),
                inArray(syncOperations.dedupKey, batch),
                eq(syncOperations.status, "succeeded"),
                gte(syncOperations.finishedAt, since),
              ),
            );
          for (const row of rows) found.add(row.key);
        }
        return [...found];
      }),
  };
}
