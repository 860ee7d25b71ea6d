import type { ConfigError } from "#config/config-error.js";
import type { AppError } from "#core/errors.js";
import type { JsonObject, Writer } from "./command.js";

export type ExitCode = 0 | 1 | 2;

/**
 * Everything the CLI prints goes through here, so `--json` always yields exactly one JSON
 * document on stdout (`{"ok":true,...}` or `{"ok":false,"error":{code,message,retryable,fix}}`).
 */
export interface Output {
  readonly json: boolean;
  /** whether the one result document was already written */
  readonly done: boolean;
  success(data: JsonObject, text: string): void;
  /** writes the error (to stdout as JSON, or to stderr as text) and returns the exit code */
  error(error: AppError, exitCode: 1 | 2, hint?: string): ExitCode;
}

function isConfigError(error: AppError): error is ConfigError {
  return error.code === "config.invalid" && "problems" in error;
}

export function createOutput(json: boolean, stdout: Writer, stderr: Writer): Output {
  let done = false;
  const claim = (): boolean => {
    const first = !done;
    done = true;
    return first;
  };
  return {
    json,
    get done() {
      return done;
    },
    success(data, text) {
      if (!claim()) throw new Error("a command printed its result twice");
      stdout.write(json ? `${JSON.stringify({ ok: true, ...data })}\n` : `${text}\n`);
    },
    error(error, exitCode, hint) {
      // After a result was printed, stdout stays one document: later errors go to stderr.
      if (json && claim()) {
        const body = {
          code: error.code,
          message: error.message,
          retryable: error.retryable,
          fix: error.fix,
          ...(isConfigError(error) ? { problems: error.problems } : {}),
          ...(hint === undefined ? {} : { hint }),
        };
        stdout.write(`${JSON.stringify({ ok: false, error: body })}\n`);
      } else {
        claim();
        stderr.write(`abm: ${error.message}\n${hint === undefined ? "" : `${hint}\n`}`);
      }
      return exitCode;
    },
  };
}
