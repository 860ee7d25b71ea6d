import { and, desc, eq, inArray, ne } from "drizzle-orm";
import { z } from "zod";
import type { RunRecord, RunStore } from "#core/ports/store/run-store.js";
import type { Database } from "../database.js";
import { syncRuns } from "../schema/sync-runs.js";
import { attempt, invalidRow } from "./db-error.js";

type Row = typeof syncRuns.$inferSelect;

const rowSchema = z.object({
  kind: z.enum(["initial", "incremental", "restart", "single_user"]),
  trigger: z.enum(["schedule", "cli", "chat", "startup", "approval", "api"]),
  outcome: z.enum(["running", "succeeded", "partial", "failed", "held"]),
});

function toRecord(row: Row): RunRecord {
  const parsed = rowSchema.safeParse(row);
  if (!parsed.success) throw invalidRow("read run", parsed.error.issues[0]?.message ?? "invalid");
  return {
    id: row.id,
    connectionId: row.connectionId,
    kind: parsed.data.kind,
    trigger: parsed.data.trigger,
    actor: row.actor,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    outcome: parsed.data.outcome,
    counts: {
      created: row.created,
      adopted: row.adopted,
      updated: row.updated,
      deactivated: row.deactivated,
      deleted: row.deleted,
      skipped: row.skipped,
      failed: row.failed,
      held: row.held,
    },
    error: row.errorCode === null ? null : { code: row.errorCode, message: row.errorMessage ?? "" },
  };
}

/** `sync_runs` behind the RunStore port. */
export function createRunRepository(db: Database): RunStore {
  return {
    start: (run) =>
      attempt("start run", async () => {
        const rows = await db
          .insert(syncRuns)
          .values({ ...run, outcome: "running", createdAt: run.startedAt, updatedAt: run.startedAt })
          .returning();
        const row = rows[0];
        if (row === undefined) throw invalidRow("start run", "insert returned nothing");
        return toRecord(row);
      }),
    finish: (runId, end) =>
      attempt("finish run", async () => {
        const rows = await db
          .update(syncRuns)
          .set({
            finishedAt: end.finishedAt,
            outcome: end.outcome,
            ...end.counts,
            errorCode: end.error?.code ?? null,
            errorMessage: end.error?.message ?? null,
            updatedAt: end.finishedAt,
          })
          .where(and(eq(syncRuns.id, runId), eq(syncRuns.outcome, "running")))
          .returning({ id: syncRuns.id });
        return rows.length === 1;
      }),
    get: (runId) =>
      attempt("read run", async () => {
        const rows = await db.select().from(syncRuns).where(eq(syncRuns.id, runId));
        return rows[0] === undefined ? null : toRecord(rows[0]);
      }),
    list: (connectionId, limit) =>
      attempt("list runs", async () => {
        const rows = await db
          .select()
          .from(syncRuns)
          .where(eq(syncRuns.connectionId, connectionId))
          .orderBy(desc(syncRuns.startedAt), desc(syncRuns.id))
          .limit(limit);
        return rows.map(toRecord);
      }),
    lastSuccessful: (connectionId) =>
      attempt("read last successful run", async () => {
        const rows = await db
          .select()
          .from(syncRuns)
          .where(and(eq(syncRuns.connectionId, connectionId), inArray(syncRuns.outcome, ["succeeded", "partial"])))
          .orderBy(desc(syncRuns.startedAt), desc(syncRuns.id))
          .limit(1);
        return rows[0] === undefined ? null : toRecord(rows[0]);
      }),
    failInterrupted: (input) =>
      attempt("fail interrupted runs", async () => {
        const conditions = [eq(syncRuns.connectionId, input.connectionId), eq(syncRuns.outcome, "running")];
        if (input.exceptRunId !== null) conditions.push(ne(syncRuns.id, input.exceptRunId));
        const rows = await db
          .update(syncRuns)
          .set({
            outcome: "failed",
            finishedAt: input.now,
            errorCode: input.error.code,
            errorMessage: input.error.message,
            updatedAt: input.now,
          })
          .where(and(...conditions))
          .returning({ id: syncRuns.id });
        return rows.length;
      }),
  };
}
