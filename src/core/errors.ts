/**
 * Every failure the product reports carries a namespaced code, a message a person can act on,
 * whether trying again could help, and the context needed to debug it (never secrets).
 */
export type ErrorContext = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface AppErrorOptions {
  readonly retryable?: boolean;
  readonly context?: ErrorContext;
  readonly cause?: unknown;
  /** for rate limits: how long the server asked us to wait */
  readonly retryAfterMs?: number;
}

export class AppError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly context: ErrorContext;
  readonly retryAfterMs: number | undefined;

  constructor(code: string, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.context = options.context ?? {};
    this.retryAfterMs = options.retryAfterMs;
  }

  toJSON(): { code: string; message: string; retryable: boolean; context: ErrorContext } {
    return { code: this.code, message: this.message, retryable: this.retryable, context: this.context };
  }
}

/** Wraps anything thrown into an AppError without losing the original as `cause`. */
export function toAppError(value: unknown, code = "internal.unexpected"): AppError {
  if (value instanceof AppError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new AppError(code, message, { cause: value });
}
