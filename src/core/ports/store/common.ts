import { z } from "zod";
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

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
);

export const storedPlatformSchema = z.enum(["slack", "teams", "cli", "system"]);
export type StoredPlatform = z.infer<typeof storedPlatformSchema>;
