import { AppError, toAppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import type { DirectoryChange, ReadChangesInput, ReadChangesOutput } from "#core/ports/directory-source.js";
import { err, ok, type Result } from "#core/result.js";
import { DELTA_EXPIRED } from "./graph-errors.js";
import type { GraphRequester } from "./graph-requester.js";
import { DeltaPageSchema, GraphUserSchema } from "./schemas.js";
import { hasAllSelected, topLevelSelect, toSourceUser } from "./user-attributes.js";

/** a delta read that never reaches its deltaLink is a Graph bug; stop rather than loop forever */
const MAX_PAGES = 50_000;
const REFETCH_CONCURRENCY = 4;

export interface ReadChangesDeps {
  readonly requester: GraphRequester;
  readonly logger: Logger;
  readonly pageSize: number;
}

const READ = { what: "read user changes (users delta)", permission: "User.Read.All" } as const;

/**
 * Users delta: a full read without a watermark (or when the stored one expired), otherwise the
 * changes since it. Each page is handed over (awaited) before the next one is requested.
 */
export async function readUserChanges(
  deps: ReadChangesDeps,
  input: ReadChangesInput,
): Promise<Result<ReadChangesOutput, AppError>> {
  const select = topLevelSelect(input.select);
  const firstPage = `/users/delta?$select=${select.join(",")}`;
  const headers = { Prefer: `odata.maxpagesize=${deps.pageSize}` };
  let full = input.watermark === null;
  let url = input.watermark ?? firstPage;
  for (let page = 0; page < MAX_PAGES; page++) {
    const response = await deps.requester.get(url, DeltaPageSchema, {
      ...READ,
      headers,
      ...(input.signal ? { signal: input.signal } : {}),
    });
    if (!response.ok) {
      if (response.error.code === DELTA_EXPIRED && !full) {
        deps.logger.warn({ code: response.error.code }, "delta link expired; starting a full read");
        full = true;
        url = firstPage;
        continue;
      }
      return response;
    }
    const changes = await toChanges(deps, response.value.value, input, select, full);
    if (!changes.ok) return changes;
    try {
      await input.onBatch(changes.value, { full });
    } catch (thrown) {
      return err(toAppError(thrown, "graph.handover_failed"));
    }
    const { "@odata.deltaLink": deltaLink, "@odata.nextLink": nextLink } = response.value;
    if (deltaLink !== undefined) return ok({ watermark: deltaLink, full });
    if (nextLink === undefined) {
      return err(
        new AppError("graph.protocol", "A users delta page had neither @odata.nextLink nor @odata.deltaLink."),
      );
    }
    url = nextLink;
  }
  return err(new AppError("graph.protocol", `The users delta did not end after ${MAX_PAGES} pages.`));
}

async function toChanges(
  deps: ReadChangesDeps,
  entries: readonly (Record<string, unknown> & { id: string; "@removed"?: { reason: string } | undefined })[],
  input: ReadChangesInput,
  select: readonly string[],
  full: boolean,
): Promise<Result<DirectoryChange[], AppError>> {
  const changes: (DirectoryChange | null)[] = [];
  const partial: { index: number; id: string }[] = [];
  for (const entry of entries) {
    const removed = entry["@removed"];
    if (removed !== undefined) {
      // `changed` = soft-deleted (restorable for 30 days), `deleted` = permanently deleted
      changes.push({
        kind: "removed",
        id: entry.id,
        reason: removed.reason === "deleted" ? "hard_deleted" : "soft_deleted",
      });
    } else if (full || hasAllSelected(entry, select)) {
      changes.push({ kind: "upsert", user: toSourceUser(entry, input.select) });
    } else {
      // an update lists "at least the updated properties": read the whole user once
      partial.push({ index: changes.length, id: entry.id });
      changes.push(null);
    }
  }
  for (let i = 0; i < partial.length; i += REFETCH_CONCURRENCY) {
    const batch = partial.slice(i, i + REFETCH_CONCURRENCY);
    const results = await Promise.all(
      batch.map(({ id }) =>
        deps.requester.get(`/users/${encodeURIComponent(id)}?$select=${select.join(",")}`, GraphUserSchema, {
          what: "read a changed user",
          permission: "User.Read.All",
          ...(input.signal ? { signal: input.signal } : {}),
        }),
      ),
    );
    for (const [j, result] of results.entries()) {
      const slot = batch[j];
      if (slot === undefined) continue;
      if (result.ok) changes[slot.index] = { kind: "upsert", user: toSourceUser(result.value, input.select) };
      else if (result.error.code !== "graph.not_found") return result;
      // not found: deleted since the delta page was made; the next delta reports the removal
    }
  }
  return ok(changes.filter((change): change is DirectoryChange => change !== null));
}
