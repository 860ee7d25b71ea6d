import type { AppError } from "../errors.js";
import type { DirectorySource, RemovalReason } from "../ports/directory-source.js";
import { err, ok, type Result } from "../result.js";
import type { SourceUser } from "../users.js";

/** Everything one read of the directory produced, de-duplicated by Entra id (last change wins). */
export interface SourceRead {
  readonly full: boolean;
  readonly watermark: string;
  readonly users: Map<string, SourceUser>;
  readonly removals: Map<string, RemovalReason>;
}

export async function readSource(
  directory: DirectorySource,
  watermark: string | null,
  select: readonly string[],
  signal?: AbortSignal,
): Promise<Result<SourceRead, AppError>> {
  const users = new Map<string, SourceUser>();
  const removals = new Map<string, RemovalReason>();
  const result = await directory.readChanges({
    watermark,
    select,
    ...(signal === undefined ? {} : { signal }),
    onBatch: async (changes) => {
      for (const change of changes) {
        if (change.kind === "upsert") {
          users.set(change.user.id, change.user);
          removals.delete(change.user.id);
        } else {
          users.delete(change.id);
          // a hard delete outranks an earlier soft delete of the same user
          if (removals.get(change.id) !== "hard_deleted") removals.set(change.id, change.reason);
        }
      }
    },
  });
  if (!result.ok) return err(result.error);
  // a full read restarts the picture: what it did not return is gone
  return ok({ full: result.value.full || watermark === null, watermark: result.value.watermark, users, removals });
}
