import { ERROR_CODES, type ErrorCode } from "./error-codes.js";

export type { ErrorCode } from "./error-codes.js";

/**
 * Every failure the product reports carries a namespaced code, a message a person can act on,
 * whether trying again could help, and the context needed to debug it (never secrets).
 */
export type ErrorContext = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface AppErrorOptions {
  /** defaults to what the code says (ERROR_CODES) */
  readonly retryable?: boolean;
  readonly context?: ErrorContext;
  readonly cause?: unknown;
  /** for rate limits: how long the server asked us to wait */
  readonly retryAfterMs?: number;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly context: ErrorContext;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.context = options.context ?? {};
    this.retryAfterMs = options.retryAfterMs;
  }

  /** what a person can do about it */
  get fix(): string {
    return ERROR_CODES[this.code].fix;
  }

  toJSON(): { code: ErrorCode; message: string; retryable: boolean; fix: string; context: ErrorContext } {
    return { code: this.code, message: this.message, retryable: this.retryable, fix: this.fix, context: this.context };
  }
}

/** Wraps anything thrown into an AppError without losing the original as `cause`. */
export function toAppError(value: unknown, code: ErrorCode = "internal.unexpected"): AppError {
  if (value instanceof AppError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new AppError(code, message, { cause: value });
}
