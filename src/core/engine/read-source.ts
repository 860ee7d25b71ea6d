import type { AppError } from "../errors.js";
import type { DirectoryChange, DirectorySource, RemovalReason } from "../ports/directory-source.js";
import { err, ok, type Result } from "../result.js";
import type { SourceUser } from "../users.js";

/** Everything one read of the directory produced, de-duplicated by Entra id (last change wins). */
export interface SourceRead {
  readonly watermark: string;
  readonly users: Map<string, SourceUser>;
  readonly removals: Map<string, RemovalReason>;
}

/** The changes of one read, held whole (incremental cycles and the scope preview: small or id-only). */
export class ChangeBuffer {
  readonly users = new Map<string, SourceUser>();
  readonly removals = new Map<string, RemovalReason>();

  add(changes: readonly DirectoryChange[]): void {
    for (const change of changes) {
      if (change.kind === "upsert") {
        this.users.set(change.user.id, change.user);
        this.removals.delete(change.user.id);
      } else {
        this.users.delete(change.id);
        addRemoval(this.removals, change.id, change.reason);
      }
    }
  }
}

/** a hard delete outranks an earlier soft delete of the same user */
export function addRemoval(removals: Map<string, RemovalReason>, id: string, reason: RemovalReason): void {
  if (removals.get(id) !== "hard_deleted") removals.set(id, reason);
}

/** A whole read of the directory into memory (the scope preview reads only ids and userNames). */
export async function readSource(
  directory: DirectorySource,
  watermark: string | null,
  select: readonly string[],
  signal?: AbortSignal,
): Promise<Result<SourceRead, AppError>> {
  const buffer = new ChangeBuffer();
  const result = await directory.readChanges({
    watermark,
    select,
    ...(signal === undefined ? {} : { signal }),
    onBatch: async (changes) => buffer.add(changes),
  });
  if (!result.ok) return err(result.error);
  return ok({ watermark: result.value.watermark, users: buffer.users, removals: buffer.removals });
}
