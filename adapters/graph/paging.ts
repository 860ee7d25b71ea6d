import type { z } from "zod";
import { AppError } from "#core/errors.js";
import { err, ok, type Result } from "#core/result.js";
import type { GraphRequester, RequestOptions } from "./graph-requester.js";

/** a paged read that never ends is a Graph bug; stop rather than loop forever */
const MAX_PAGES = 10_000;

/** A Graph collection page: `value` plus the link to the next page, if any. */
export interface Page<T> {
  readonly "@odata.nextLink"?: string | null | undefined;
  readonly value: T[];
}

/**
 * Follows `@odata.nextLink` through every page of a collection, or until `limit` items were read
 * (the last page is kept whole, so the answer may hold a few more).
 */
export async function readAllPages<T>(
  requester: GraphRequester,
  firstUrl: string,
  schema: z.ZodType<Page<T>>,
  options: RequestOptions,
  limit = Number.POSITIVE_INFINITY,
): Promise<Result<T[], AppError>> {
  const items: T[] = [];
  let url: string | null | undefined = firstUrl;
  for (let page = 0; url !== null && url !== undefined && items.length < limit; page++) {
    if (page >= MAX_PAGES) return err(new AppError("graph.protocol", `Paging did not end (${options.what}).`));
    const response: Result<Page<T>, AppError> = await requester.get(url, schema, options);
    if (!response.ok) return response;
    items.push(...response.value.value);
    url = response.value["@odata.nextLink"];
  }
  return ok(items);
}
