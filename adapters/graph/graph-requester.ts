import type { Client } from "@microsoft/microsoft-graph-client";
import type { z } from "zod";
import type { Clock } from "#core/clock.js";
import { AppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import { err, ok, type Result } from "#core/result.js";
import { type ErrorScope, type RequestPurpose, toGraphAppError } from "./graph-errors.js";

export interface RetryPolicy {
  /** attempts per request, the first included */
  readonly maxAttempts: number;
  /** first back-off for 5xx and network errors; doubles per attempt */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** a Retry-After longer than this is not waited out: the error goes back to the caller */
  readonly maxRetryAfterMs: number;
}

const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 120_000,
};

export interface RequestOptions extends RequestPurpose {
  readonly headers?: Readonly<Record<string, string>>;
  /** stops the request and any wait before a retry (→ graph.aborted) */
  readonly signal?: AbortSignal;
  /** false: the first failure is returned as is (a call whose caller keeps its own rate limit, e.g. provisionOnDemand) */
  readonly retry?: boolean;
}

/** The one way this service calls Microsoft Graph: the directory source and the entra engine alike. */
export interface GraphRequester {
  get<T>(path: string, schema: z.ZodType<T>, options: RequestOptions): Promise<Result<T, AppError>>;
  post<T>(path: string, body: unknown, schema: z.ZodType<T>, options: RequestOptions): Promise<Result<T, AppError>>;
  put<T>(path: string, body: unknown, schema: z.ZodType<T>, options: RequestOptions): Promise<Result<T, AppError>>;
}

export interface GraphRequesterDeps {
  readonly client: Client;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly scope: ErrorScope;
  readonly retry?: RetryPolicy;
}

/**
 * One Graph call with bounded retries: 429 waits the server's Retry-After, 5xx and network errors
 * back off exponentially; every wait is `clock.sleep` and ends on the request's AbortSignal; every
 * body is parsed with zod; every failure is a graph.* AppError. The only retry policy for Graph.
 */
export function createGraphRequester(deps: GraphRequesterDeps): GraphRequester {
  const policy = deps.retry ?? DEFAULT_RETRY_POLICY;

  async function send<T>(
    path: string,
    schema: z.ZodType<T>,
    options: RequestOptions,
    call: (request: ReturnType<Client["api"]>) => Promise<unknown>,
  ): Promise<Result<T, AppError>> {
    for (let attempt = 1; ; attempt++) {
      let failure: AppError;
      try {
        let request = deps.client.api(path);
        if (options.headers !== undefined) request = request.headers({ ...options.headers });
        if (options.signal !== undefined) request = request.option("signal", options.signal);
        // a 204 No Content comes back as undefined: parse it as null
        const body = (await call(request)) ?? null;
        const parsed = schema.safeParse(body);
        if (parsed.success) return ok(parsed.data);
        return err(
          new AppError("graph.protocol", `Microsoft Graph sent an unexpected response (${options.what}).`, {
            context: {
              issues: parsed.error.issues
                .slice(0, 3)
                .map((i) => `${i.path.join(".")}: ${i.message}`)
                .join("; "),
            },
          }),
        );
      } catch (thrown) {
        failure = toGraphAppError(thrown, options, deps.scope, deps.clock.now().getTime());
      }
      const retry = options.retry !== false && failure.retryable;
      if (!retry || attempt >= policy.maxAttempts || options.signal?.aborted) return err(failure);
      const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const wait = failure.retryAfterMs ?? backoff;
      if (wait > policy.maxRetryAfterMs) return err(failure);
      deps.logger.warn(
        { code: failure.code, status: failure.context.status ?? null, attempt, waitMs: wait, what: options.what },
        "graph request failed; retrying",
      );
      try {
        await deps.clock.sleep(wait, options.signal);
      } catch (reason) {
        return err(
          new AppError("graph.aborted", `Stopped while waiting to retry (${options.what}).`, { cause: reason }),
        );
      }
    }
  }

  return {
    get: (path, schema, options) => send(path, schema, options, (request) => request.get()),
    post: (path, body, schema, options) => send(path, schema, options, (request) => request.post(body)),
    put: (path, body, schema, options) => send(path, schema, options, (request) => request.put(body)),
  };
}
