import type { Client } from "@microsoft/microsoft-graph-client";
import { z } from "zod";
import type { Clock } from "#core/clock.js";
import { AppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import { err, ok, type Result } from "#core/result.js";
import { type ErrorScope, type Purpose, toEntraError } from "./entra-errors.js";

export interface SyncRequester {
  get<T>(
    path: string,
    schema: z.ZodType<T>,
    purpose: Purpose,
    headers?: Record<string, string>,
  ): Promise<Result<T, AppError>>;
  post<T>(
    path: string,
    body: unknown,
    schema: z.ZodType<T>,
    purpose: Purpose,
    retry?: boolean,
  ): Promise<Result<T, AppError>>;
  put(path: string, body: unknown, purpose: Purpose): Promise<Result<void, AppError>>;
}

/** PUT answers 204 No Content */
const NO_CONTENT = z.unknown().transform(() => undefined);
const MAX_ATTEMPTS = 4;
const BASE_DELAY_MS = 500;
const MAX_WAIT_MS = 30_000;

/**
 * One Graph call: bounded retries on 429 (Retry-After up to 30 s) and 5xx/network errors
 * (exponential), every body parsed with zod, every failure an entra.* AppError.
 * `retry: false` returns the first failure as is (provisionOnDemand's own rate limit).
 */
export function createSyncRequester(deps: {
  readonly client: Client;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly scope: ErrorScope;
}): SyncRequester {
  async function send<T>(
    path: string,
    schema: z.ZodType<T>,
    purpose: Purpose,
    retry: boolean,
    call: (request: ReturnType<Client["api"]>) => Promise<unknown>,
  ): Promise<Result<T, AppError>> {
    for (let attempt = 1; ; attempt++) {
      let failure: AppError;
      try {
        const body = await call(deps.client.api(path));
        const parsed = schema.safeParse(body ?? null);
        if (parsed.success) return ok(parsed.data);
        return err(
          new AppError("entra.protocol", `Microsoft Graph sent an unexpected response (${purpose.what}).`, {
            context: {
              issues: parsed.error.issues
                .slice(0, 3)
                .map((i) => `${i.path.join(".")}: ${i.message}`)
                .join("; "),
            },
          }),
        );
      } catch (thrown) {
        failure = toEntraError(thrown, purpose, deps.scope, deps.clock.now().getTime());
      }
      if (!retry || !failure.retryable || attempt >= MAX_ATTEMPTS) return err(failure);
      const wait = failure.retryAfterMs ?? BASE_DELAY_MS * 2 ** (attempt - 1);
      if (wait > MAX_WAIT_MS) return err(failure);
      deps.logger.warn(
        { code: failure.code, attempt, waitMs: wait, what: purpose.what },
        "graph request failed; retrying",
      );
      await deps.clock.sleep(wait);
    }
  }

  return {
    get: (path, schema, purpose, headers) =>
      send(path, schema, purpose, true, (r) => (headers === undefined ? r : r.headers(headers)).get()),
    post: (path, body, schema, purpose, retry = true) => send(path, schema, purpose, retry, (r) => r.post(body)),
    async put(path, body, purpose) {
      const result = await send(path, NO_CONTENT, purpose, true, (r) => r.put(body));
      return result.ok ? ok(undefined) : result;
    },
  };
}
