import { and, desc, eq, inArray, ne } from "drizzle-orm";
import { z } from "zod";
import type { EngineStore } from "#core/engine/engine-store.js";
import type { ErrorCode } from "#core/errors.js";
import type { RunSummary } from "#core/ports/provisioning-engine.js";
import type { Database } from "../database.js";
import { syncRuns } from "../schema/sync-runs.js";
import { attemptOrThrow, invalidRow } from "./db-error.js";

type Row = typeof syncRuns.$inferSelect;

const rowSchema = z.object({
  kind: z.enum(["initial", "incremental", "restart", "single_user"]),
  trigger: z.enum(["schedule", "cli", "chat", "startup", "approval", "api"]),
  outcome: z.enum(["running", "succeeded", "partial", "failed", "held"]),
});

function toSummary(row: Row): RunSummary {
  const parsed = rowSchema.safeParse(row);
  if (!parsed.success) throw invalidRow("read run", parsed.error.issues[0]?.message ?? "invalid");
  return {
    id: row.id,
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

type RunMethods = "startRun" | "finishRun" | "failInterruptedRuns" | "runs" | "lastSuccessfulRun";

const INTERRUPTED = {
  code: "engine.interrupted",
  message: "The process running this cycle stopped before it finished; the next cycle re-matches ABM.",
} as const satisfies { code: ErrorCode; message: string };

/** `sync_runs` of one connection, behind the engine store. */
export function connectionRuns(db: Database, connectionId: string): Pick<EngineStore, RunMethods> {
  const ofConnection = eq(syncRuns.connectionId, connectionId);
  return {
    startRun: (run) =>
      attemptOrThrow("start run", async () => {
        await db
          .insert(syncRuns)
          .values({ ...run, connectionId, outcome: "running", createdAt: run.startedAt, updatedAt: run.startedAt });
      }),
    finishRun: (runId, end) =>
      attemptOrThrow("finish run", async () => {
        const rows = await db
          .update(syncRuns)
          .set({
            finishedAt: end.finishedAt,
            // a run is never finished as running
            outcome: end.outcome === "running" ? "failed" : end.outcome,
            ...end.counts,
            errorCode: end.error?.code ?? null,
            errorMessage: end.error?.message ?? null,
            updatedAt: end.finishedAt,
          })
          .where(and(ofConnection, eq(syncRuns.id, runId), eq(syncRuns.outcome, "running")))
          .returning({ id: syncRuns.id });
        return rows.length === 1;
      }),
    runs: (limit) =>
      attemptOrThrow("list runs", async () => {
        const rows = await db
          .select()
          .from(syncRuns)
          .where(ofConnection)
          .orderBy(desc(syncRuns.startedAt), desc(syncRuns.id))
          .limit(limit);
        return rows.map(toSummary);
      }),
    lastSuccessfulRun: () =>
      attemptOrThrow("read last successful run", async () => {
        const rows = await db
          .select()
          .from(syncRuns)
          .where(and(ofConnection, inArray(syncRuns.outcome, ["succeeded", "partial"])))
          .orderBy(desc(syncRuns.startedAt), desc(syncRuns.id))
          .limit(1);
        return rows[0] === undefined ? null : toSummary(rows[0]);
      }),
    failInterruptedRuns: (now, exceptRunId) =>
      attemptOrThrow("fail interrupted runs", async () => {
        const conditions = [ofConnection, eq(syncRuns.outcome, "running")];
        if (exceptRunId !== null) conditions.push(ne(syncRuns.id, exceptRunId));
        const rows = await db
          .update(syncRuns)
          .set({
            outcome: "failed",
            finishedAt: now,
            errorCode: INTERRUPTED.code,
            errorMessage: INTERRUPTED.message,
            updatedAt: now,
          })
          .where(and(...conditions))
          .returning({ id: syncRuns.id });
        return rows.length;
      }),
  };
}
