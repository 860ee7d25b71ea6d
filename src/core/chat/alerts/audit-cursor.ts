import { AppError, toAppError } from "../../errors.js";
import type { NamedValueStore } from "../../ports/named-values.js";
import { err, ok, type Result } from "../../result.js";

/**
 * Where the Apple audit poll got to: the end of the last window it read and alerted (the
 * connection's named value `apple.audit.until`). The poll starts its next window there (minus an
 * overlap); `status` shows it.
 */
const AUDIT_CURSOR_NAME = "apple.audit.until";

export interface AuditCursor {
  /** null: never read */
  read(): Promise<Result<Date | null, AppError>>;
  write(until: Date): Promise<Result<void, AppError>>;
}

export function createAuditCursor(values: NamedValueStore): AuditCursor {
  return {
    async read() {
      try {
        const stored = await values.get(AUDIT_CURSOR_NAME);
        if (stored === null) return ok(null);
        const at = Date.parse(stored);
        return Number.isNaN(at)
          ? err(new AppError("db.invalid_row", `The stored Apple audit cursor "${stored.slice(0, 40)}" is not a time.`))
          : ok(new Date(at));
      } catch (error) {
        return err(toAppError(error, "db.query_failed"));
      }
    },
    async write(until) {
      try {
        await values.set(AUDIT_CURSOR_NAME, until.toISOString());
        return ok(undefined);
      } catch (error) {
        return err(toAppError(error, "db.query_failed"));
      }
    },
  };
}
