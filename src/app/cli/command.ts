import type { Config } from "#config/config.js";
import { AppError, type ErrorCode } from "#core/errors.js";

/**
 * One CLI command. Each lives in its own file under `commands/` and is built by a factory that
 * receives the services it needs (`createStatusCommand(deps)`); the registry lists them all.
 */
export interface CliCommand {
  /** one or more words: `status`, `config check` */
  readonly name: string;
  /** full usage line, e.g. `abm sync [--full] [--dry-run]` (`--json` is implied everywhere) */
  readonly usage: string;
  /** one line for `abm help` */
  readonly summary: string;
  readonly args: readonly ArgSpec[];
  readonly flags: readonly FlagSpec[];
  run(ctx: CommandContext): Promise<CommandOutcome>;
}

export interface ArgSpec {
  readonly name: string;
  readonly summary: string;
  readonly required: boolean;
  /** the value must be one of these */
  readonly choices?: readonly string[];
  /** returns why the value is refused, or null when it is fine */
  readonly validate?: (value: string) => string | null;
}

export interface FlagSpec {
  /** without the dashes: `dry-run` */
  readonly name: string;
  readonly summary: string;
  readonly kind: "boolean" | "string" | "integer";
  /** shown in help: `--csv FILE` */
  readonly valueName?: string;
  /** inclusive bounds for integer flags */
  readonly min?: number;
  readonly max?: number;
}

export interface Writer {
  write(text: string): void;
}

/** Flags as the router parsed and validated them against the command's FlagSpec list. */
export interface ParsedFlags {
  boolean(name: string): boolean;
  string(name: string): string | undefined;
  integer(name: string): number | undefined;
}

export interface CommandContext {
  /** the resolved command name */
  readonly command: string;
  /** positional arguments by ArgSpec name (absent when optional and not given) */
  readonly args: Readonly<Record<string, string>>;
  readonly flags: ParsedFlags;
  /** `--json`: exactly one JSON document goes to stdout */
  readonly json: boolean;
  /** `--connection <id>`, checked against the configuration; null: not given */
  readonly connection: string | null;
  /** the validated, frozen configuration */
  readonly config: Config;
  /** progress and log lines go here (stdout is reserved for the result) */
  readonly stderr: Writer;
  /** aborted on SIGINT/SIGTERM; long-running commands (`serve`, `emulate`) stop when it fires */
  readonly signal: AbortSignal;
  /**
   * For long-running commands: print the success document now (e.g. emulator URLs), keep running,
   * and later return `emitted()`.
   */
  print(data: JsonObject, text: string): void;
}

export type JsonObject = Readonly<Record<string, unknown>>;

export type CommandOutcome =
  | { readonly kind: "success"; readonly data: JsonObject; readonly text: string }
  | { readonly kind: "emitted" }
  | { readonly kind: "failure"; readonly error: AppError }
  | { readonly kind: "usage"; readonly error: AppError }
  | { readonly kind: "setup"; readonly error: AppError };

/** Exit 0: `data` becomes `{"ok":true,...data}` with `--json`, `text` is printed otherwise. */
export const success = (data: JsonObject, text: string): CommandOutcome => ({ kind: "success", data, text });

/** Exit 0 after `ctx.print(...)` already wrote the result. */
export const emitted = (): CommandOutcome => ({ kind: "emitted" });

/** Exit 1: the operation failed. */
export const failure = (error: AppError): CommandOutcome => ({ kind: "failure", error });

/** Exit 2: the machine is set up wrongly (like a bad configuration), e.g. an exposed data directory. */
const setupError = (error: AppError): CommandOutcome => ({ kind: "setup", error });

/** An error that opening the data directory returns: a setup problem (exit 2) or a failure (exit 1). */
export const openFailure = (error: AppError): CommandOutcome =>
  error.code === "app.data_dir_exposed" ? setupError(error) : failure(error);

/** Exit 2: the command was used wrongly. */
export const usageError = (code: ErrorCode, message: string): CommandOutcome => ({
  kind: "usage",
  error: new AppError(code, message),
});
