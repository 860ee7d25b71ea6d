import { AppError } from "#core/errors.js";
import { err, ok, type Result } from "#core/result.js";

const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "57P01",
  "57P02",
  "57P03",
]);

interface DriverFacts {
  readonly code: string | undefined;
  readonly message: string;
  readonly constraint: string | undefined;
}

/** drizzle wraps the driver's error (`DrizzleQueryError.cause`); the SQLSTATE lives on the innermost one. */
function driverFacts(error: unknown): DriverFacts {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const record = current as Error & { code?: unknown; constraint?: unknown; constraint_name?: unknown };
    if (typeof record.code === "string") {
      const constraint = record.constraint ?? record.constraint_name;
      return {
        code: record.code,
        message: record.message,
        constraint: typeof constraint === "string" ? constraint : undefined,
      };
    }
    current = record.cause;
  }
  // never echo a drizzle "Failed query: … params: …" message: it carries the statement's values
  const innermost = current instanceof Error ? current.message : String(current);
  return {
    code: undefined,
    message: innermost.startsWith("Failed query") ? "query failed" : innermost,
    constraint: undefined,
  };
}

/** Maps a database failure to an AppError with a `db.*` code; `operation` names what was attempted. */
export function toDbError(error: unknown, operation: string): AppError {
  if (error instanceof AppError) return error;
  const facts = driverFacts(error);
  const context = { operation, sqlState: facts.code ?? null, constraint: facts.constraint ?? null };
  if (facts.code === "23505") {
    return new AppError("db.conflict", `${operation}: the record already exists (${facts.constraint ?? "unique"}).`, {
      context,
      cause: error,
    });
  }
  if (facts.code === "23503") {
    return new AppError(
      "db.missing_reference",
      `${operation}: it refers to a connection or run that does not exist (${facts.constraint ?? "foreign key"}).`,
      { context, cause: error },
    );
  }
  if (facts.code === "40001" || facts.code === "40P01") {
    return new AppError("db.contention", `${operation}: the database aborted a concurrent transaction; try again.`, {
      retryable: true,
      context,
      cause: error,
    });
  }
  if (facts.code !== undefined && (UNAVAILABLE_CODES.has(facts.code) || facts.code.startsWith("08"))) {
    return new AppError("db.unavailable", `${operation}: the database cannot be reached (${facts.code}).`, {
      retryable: true,
      context,
      cause: error,
    });
  }
  return new AppError("db.query_failed", `${operation}: ${facts.message}`, { context, cause: error });
}

/** Runs one repository operation and turns any database failure into an `err` value. */
export async function attempt<T>(operation: string, work: () => Promise<T>): Promise<Result<T, AppError>> {
  try {
    return ok(await work());
  } catch (error) {
    return err(toDbError(error, operation));
  }
}

/** `attempt` for stores whose port rejects instead of returning a Result: a failure throws its `db.*` AppError. */
export async function attemptOrThrow<T>(operation: string, work: () => Promise<T>): Promise<T> {
  const result = await attempt(operation, work);
  if (!result.ok) throw result.error;
  return result.value;
}

export function invalidRow(operation: string, detail: string): AppError {
  return new AppError("db.invalid_row", `${operation}: a stored value does not match its schema (${detail}).`, {
    context: { operation },
  });
}

export function notFound(operation: string, what: string, id: string): AppError {
  return new AppError("db.not_found", `${operation}: no ${what} with id ${id}.`, { context: { operation, id } });
}

/** Splits rows for multi-row statements (Postgres allows 65535 bind parameters per statement). */
export function chunk<T>(rows: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < rows.length; start += size) out.push(rows.slice(start, start + size));
  return out;
}
