import { z } from "zod";
import { AppError, toAppError } from "../errors.js";
import type { NamedValueStore } from "../ports/named-values.js";
import { err, ok, type Result } from "../result.js";
import { MISMATCH_KINDS, type MismatchKind, type ReconcileReport } from "./reconcile.js";

/** A reconcile report without its per-user lines: what `status` and the home screen show. */
export type ReconcileSummary = Omit<ReconcileReport, "mismatches">;

/** The connection's named value that holds the last summary (the `watermarks` table). */
export const LAST_REPORT_NAME = "reconcile:last-report";

const count = z.number().int().min(0);
const storedSummary = z.object({
  checkedAt: z.iso.datetime(),
  cycleCompleted: z.boolean(),
  entraInScope: count,
  appleUsers: count,
  matched: count,
  counts: z.object(
    Object.fromEntries(MISMATCH_KINDS.map((kind) => [kind, count])) as Record<MismatchKind, typeof count>,
  ),
});

export function summarize(report: ReconcileReport): ReconcileSummary {
  const { mismatches: _lines, ...summary } = report;
  return summary;
}

/** Every mismatch of the summary, whatever its kind. */
export function mismatchTotal(summary: ReconcileSummary): number {
  return MISMATCH_KINDS.reduce((sum, kind) => sum + summary.counts[kind], 0);
}

/**
 * The last reconcile of a connection, kept in the database so every replica and a restarted
 * process show it. Read back through a schema: a stored value this version cannot read is an
 * AppError (`db.invalid_row`), never a crash.
 */
export interface LastReconcileStore {
  save(summary: ReconcileSummary): Promise<Result<void, AppError>>;
  read(): Promise<Result<ReconcileSummary | null, AppError>>;
}

export function createLastReconcileStore(values: NamedValueStore): LastReconcileStore {
  return {
    async save(summary) {
      const stored: z.input<typeof storedSummary> = { ...summary, checkedAt: summary.checkedAt.toISOString() };
      try {
        await values.set(LAST_REPORT_NAME, JSON.stringify(stored));
        return ok(undefined);
      } catch (error) {
        return err(toAppError(error, "db.query_failed"));
      }
    },
    async read() {
      let raw: string | null;
      try {
        raw = await values.get(LAST_REPORT_NAME);
      } catch (error) {
        return err(toAppError(error, "db.query_failed"));
      }
      if (raw === null) return ok(null);
      return parseStored(raw);
    },
  };
}

function parseStored(raw: string): Result<ReconcileSummary, AppError> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    return err(invalid("is not JSON", error));
  }
  const parsed = storedSummary.safeParse(json);
  if (!parsed.success) return err(invalid(z.prettifyError(parsed.error).replaceAll("\n", " "), parsed.error));
  return ok({ ...parsed.data, checkedAt: new Date(parsed.data.checkedAt) });
}

function invalid(why: string, cause: unknown): AppError {
  return new AppError("db.invalid_row", `The stored last reconcile report cannot be read: ${why}.`, {
    context: { name: LAST_REPORT_NAME },
    cause,
  });
}
