import type { z } from "zod";
import type { Clock } from "#core/clock.js";
import { AppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import { err, ok, type Result } from "#core/result.js";
import type { ScimAuthProvider } from "./auth.js";
import { errorFromNetwork, errorFromResponse, protocolError, type RequestInfo } from "./errors.js";
import { type HttpResponse, type HttpTransport, TransportError } from "./http-transport.js";
import type { ConcurrencyLimiter } from "./limiter.js";
import { SCIM_CONTENT_TYPE } from "./scim-wire.js";

export interface RetryPolicy {
  /** attempts per operation, the first one included */
  readonly maxAttempts: number;
  /** no retry starts after this long since the operation began */
  readonly deadlineMs: number;
  /** first backoff; doubles per attempt, with jitter */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface ScimRequest extends RequestInfo {
  /** below the SCIM base, e.g. `/Users/123` */
  readonly path: string;
  readonly query?: string;
  readonly body?: unknown;
  readonly signal?: AbortSignal | undefined;
}

export interface RequesterDeps {
  readonly baseUrl: string;
  readonly auth: ScimAuthProvider;
  readonly transport: HttpTransport;
  readonly limiter: ConcurrencyLimiter;
  readonly requestTimeoutMs: number;
  readonly retry: RetryPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly random: () => number;
}

function abortedError(info: RequestInfo, cause?: unknown): AppError {
  return new AppError("scim.aborted", `The SCIM ${info.operation} was cancelled.`, {
    context: { operation: info.operation, method: info.method },
    ...(cause === undefined ? {} : { cause }),
  });
}

function withAttempts(error: AppError, attempts: number, why: string): AppError {
  return new AppError(error.code, error.message, {
    retryable: error.retryable,
    context: { ...error.context, attempts, gaveUp: why },
    cause: error.cause ?? error,
    ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
  });
}

/** HTTP exchanges with SCIM headers, one limiter, error translation, and bounded retries. */
export function createScimRequester(deps: RequesterDeps) {
  const base = deps.baseUrl.replace(/\/+$/, "");
  const now = (): number => deps.clock.now().getTime();

  function backoff(attempt: number): number {
    const exp = Math.min(deps.retry.maxDelayMs, deps.retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(exp / 2 + deps.random() * (exp / 2));
  }

  /**
   * One HTTP exchange through the limiter (which holds it while a Retry-After pause runs, starts
   * that pause on a 429, and paces it); a 2xx answer is ok, anything else a typed error. A 401 that
   * makes the credentials move to the next token (ABM_SCIM_TOKEN_NEXT) is sent once more with it.
   */
  async function once(request: ScimRequest, deadline: number): Promise<Result<HttpResponse, AppError>> {
    const first = await exchange(request, deadline);
    if (!first.ok || first.value.response.status !== 401 || !deps.auth.refused(first.value.authorization))
      return answer(request, first);
    return answer(request, await exchange(request, deadline));
  }

  type Exchange = Result<{ readonly response: HttpResponse; readonly authorization: string }, AppError>;

  function answer(request: ScimRequest, sent: Exchange): Result<HttpResponse, AppError> {
    if (!sent.ok) return sent;
    const { response } = sent.value;
    if (response.status >= 200 && response.status < 300) return ok(response);
    const error = errorFromResponse(
      request,
      response.status,
      response.body,
      response.header("retry-after"),
      deps.clock.now(),
      deps.auth.refusedHelp(),
    );
    // a 429's Retry-After already pauses every request of this target (the limiter started it)
    return err(error);
  }

  async function exchange(request: ScimRequest, deadline: number): Promise<Exchange> {
    let authorization: string;
    try {
      authorization = await deps.auth.authorization();
    } catch (cause) {
      return err(
        new AppError("scim.auth", "Could not obtain the ABM SCIM credentials.", {
          cause,
          context: { operation: request.operation },
        }),
      );
    }
    const headers: Record<string, string> = { accept: `${SCIM_CONTENT_TYPE}, application/json`, authorization };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = JSON.stringify(request.body);
      headers["content-type"] = `${SCIM_CONTENT_TYPE}; charset=utf-8`;
    }
    const url = new URL(`${base}${request.path}${request.query === undefined ? "" : `?${request.query}`}`);
    try {
      const response = await deps.limiter.run(
        () =>
          deps.transport.send({
            method: request.method,
            url,
            headers,
            // measured from the start of the exchange, after any wait in the limiter
            timeoutMs: Math.max(1, Math.min(deps.requestTimeoutMs, deadline - now())),
            ...(body === undefined ? {} : { body }),
            ...(request.signal === undefined ? {} : { signal: request.signal }),
          }),
        request.signal,
      );
      return ok({ response, authorization });
    } catch (cause) {
      if (!(cause instanceof TransportError)) throw cause;
      if (cause.kind === "aborted") return err(abortedError(request, cause));
      return err(errorFromNetwork(request, cause.kind, cause));
    }
  }

  /**
   * Runs `attempt` until it succeeds, fails for good, or the attempts or the deadline run out.
   * Transient errors back off exponentially with jitter; a 429 waits exactly its Retry-After.
   */
  async function withRetries<T>(
    info: RequestInfo,
    signal: AbortSignal | undefined,
    attempt: (deadline: number) => Promise<Result<T, AppError>>,
  ): Promise<Result<T, AppError>> {
    const deadline = now() + deps.retry.deadlineMs;
    for (let n = 1; ; n++) {
      const result = await attempt(deadline);
      if (result.ok || !result.error.retryable) return result;
      const error = result.error;
      if (n >= deps.retry.maxAttempts) return err(withAttempts(error, n, "maxAttempts"));
      const delay = error.retryAfterMs ?? backoff(n);
      if (now() + delay >= deadline) return err(withAttempts(error, n, "deadline"));
      deps.logger.warn(
        {
          operation: info.operation,
          method: info.method,
          code: error.code,
          status: error.context.status,
          attempt: n,
          delayMs: delay,
        },
        "SCIM request failed; retrying",
      );
      try {
        await deps.clock.sleep(delay, signal);
      } catch (cause) {
        return err(abortedError(info, cause));
      }
    }
  }

  /** `once` under the retry policy. */
  function send(request: ScimRequest): Promise<Result<HttpResponse, AppError>> {
    return withRetries(request, request.signal, (deadline) => once(request, deadline));
  }

  return { once, send, withRetries };
}

/** Parses a JSON answer with a zod schema; anything else is a protocol error. */
export function parseBody<T>(info: RequestInfo, response: HttpResponse, schema: z.ZodType<T>): Result<T, AppError> {
  let raw: unknown;
  try {
    raw = JSON.parse(response.body);
  } catch (cause) {
    return err(protocolError(info, `HTTP ${response.status} with a body that is not JSON`, cause));
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return err(protocolError(info, `${issue?.path.join(".") || "body"}: ${issue?.message ?? "unexpected shape"}`));
  }
  return ok(parsed.data);
}
