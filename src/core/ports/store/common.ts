import type { AppError } from "../../errors.js";
import type { Result } from "../../result.js";

/**
 * Shared pieces of the persistence ports. Every store method resolves to a Result: expected
 * failures are values with namespaced codes —
 * - `db.conflict` (a unique constraint: the row already exists; not retryable),
 * - `db.missing_reference` (an unknown connection or run id: call `ConnectionStore.ensure` first),
 * - `db.not_found` (the record addressed by id does not exist),
 * - `db.invalid_row` (a stored JSON column does not match its schema),
 * - `db.unavailable` (the database cannot be reached; retryable),
 * - `db.query_failed` (anything else the database refused).
 * Store methods never throw for database failures.
 */
export type StoreResult<T> = Promise<Result<T, AppError>>;
