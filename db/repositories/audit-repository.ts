import { and, desc, eq, lt } from "drizzle-orm";
import { z } from "zod";
import type { AuditEntry, AuditSink } from "#core/audit.js";
import type { AppError } from "#core/errors.js";
import type { IdGenerator } from "#core/ids.js";
import { platformSchema } from "#core/platform.js";
import type { Result } from "#core/result.js";
import type { Database } from "../database.js";
import { auditLog } from "../schema/audit-log.js";
import { attempt, invalidRow } from "./db-error.js";

/** One line of the audit log as written: the entry, its id and when. */
export interface AuditLine extends AuditEntry {
  readonly id: string;
  readonly at: Date;
}

/** The audit log of one connection: the chat core's sink, and the lines newest first. */
export interface AuditLog extends AuditSink {
  /** newest first; `before` pages backwards */
  list(options?: { readonly limit?: number; readonly before?: Date }): Promise<Result<readonly AuditLine[], AppError>>;
}

const columnsSchema = z.object({
  platform: platformSchema,
  outcome: z.enum(["succeeded", "failed", "refused", "requested", "cancelled", "counted"]),
  detail: z.json(),
});

/** `{text}` as the chat core writes it; anything older is shown as its JSON */
function detailText(detail: unknown): string {
  const text = z.object({ text: z.string() }).safeParse(detail);
  return text.success ? text.data.text : JSON.stringify(detail);
}

/** Appends one entry (a store writing its own audit row calls it inside its transaction). */
export async function insertAuditRow(
  db: Database,
  connectionId: string,
  id: string,
  entry: AuditEntry,
  at: Date,
): Promise<void> {
  await db.insert(auditLog).values({
    id,
    connectionId,
    actorId: entry.actor,
    platform: entry.platform,
    command: entry.command,
    target: entry.target,
    outcome: entry.outcome,
    detail: { text: entry.detail },
    at,
  });
}

/** `audit_log` (append-only) of one connection, behind the chat core's AuditSink. */
export function createAuditLog(db: Database, connectionId: string, now: () => Date, ids: IdGenerator): AuditLog {
  return {
    record: (entry) =>
      attempt("write audit log", () => insertAuditRow(db, connectionId, ids.next("aud"), entry, now())),
    list: (options = {}) =>
      attempt("read audit log", async () => {
        const conditions = [eq(auditLog.connectionId, connectionId)];
        if (options.before !== undefined) conditions.push(lt(auditLog.at, options.before));
        const rows = await db
          .select()
          .from(auditLog)
          .where(and(...conditions))
          .orderBy(desc(auditLog.at), desc(auditLog.id))
          .limit(options.limit ?? 100);
        return rows.map((row): AuditLine => {
          const parsed = columnsSchema.safeParse(row);
          if (!parsed.success) throw invalidRow("read audit log", parsed.error.issues[0]?.message ?? "invalid");
          return {
            id: row.id,
            at: row.at,
            actor: row.actorId,
            platform: parsed.data.platform,
            command: row.command,
            target: row.target,
            outcome: parsed.data.outcome,
            detail: detailText(parsed.data.detail),
          };
        });
      }),
  };
}
