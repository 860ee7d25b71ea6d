import { and, desc, eq, lt } from "drizzle-orm";
import { z } from "zod";
import type { AuditRecord, AuditStore } from "#core/ports/store/audit-store.js";
import { jsonValueSchema, storedPlatformSchema } from "#core/ports/store/common.js";
import type { Database } from "../database.js";
import { auditLog } from "../schema/audit-log.js";
import { attempt, invalidRow } from "./db-error.js";

const columnsSchema = z.object({ platform: storedPlatformSchema, detail: jsonValueSchema });

/** `audit_log` behind the AuditStore port (append-only). */
export function createAuditRepository(db: Database): AuditStore {
  return {
    record: (entry) =>
      attempt("write audit log", async () => {
        await db.insert(auditLog).values({ ...entry, detail: jsonValueSchema.parse(entry.detail) });
      }),
    list: (connectionId, options = {}) =>
      attempt("read audit log", async () => {
        const conditions = [eq(auditLog.connectionId, connectionId)];
        if (options.before !== undefined) conditions.push(lt(auditLog.at, options.before));
        const rows = await db
          .select()
          .from(auditLog)
          .where(and(...conditions))
          .orderBy(desc(auditLog.at), desc(auditLog.id))
          .limit(options.limit ?? 100);
        return rows.map((row): AuditRecord => {
          const parsed = columnsSchema.safeParse(row);
          if (!parsed.success) throw invalidRow("read audit log", parsed.error.issues[0]?.message ?? "invalid");
          return { ...row, platform: parsed.data.platform, detail: parsed.data.detail };
        });
      }),
  };
}
