import { fileURLToPath } from "node:url";
import { AppError } from "#core/errors.js";
import { toDbError } from "./repositories/db-error.js";

/** the committed drizzle-kit migrations, applied at every open by either driver */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("./migrations/", import.meta.url));

export function migrationFailed(error: unknown): AppError {
  const cause = toDbError(error, "migrate");
  if (cause.code === "db.unavailable") return cause;
  return new AppError("db.migration_failed", `Applying the database migrations failed: ${cause.message}`, {
    context: cause.context,
    cause: error,
  });
}
