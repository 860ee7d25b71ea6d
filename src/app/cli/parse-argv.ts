import { AppError, type ErrorCode } from "#core/errors.js";
import { err, ok, type Result } from "#core/result.js";
import type { CliCommand, FlagSpec, ParsedFlags } from "./command.js";

/** What the command line asks for, before any command-specific parsing. */
export interface GlobalRequest {
  readonly json: boolean;
  readonly help: boolean;
  /** `--connection <id>` (or `--connection=<id>`): which organization; null when not given, "" when its value is missing */
  readonly connection: string | null;
  /** every token except the global flags `--json`, `--help`, `-h`, `--connection <id>` */
  readonly tokens: readonly string[];
}

export function parseGlobal(argv: readonly string[]): GlobalRequest {
  const end = argv.indexOf("--");
  const head = end < 0 ? [...argv] : argv.slice(0, end);
  const tail = end < 0 ? [] : argv.slice(end);
  let connection: string | null = null;
  const rest: string[] = [];
  for (let index = 0; index < head.length; index += 1) {
    const token = head[index] ?? "";
    if (token === "--json" || token === "--help" || token === "-h") continue;
    if (token === "--connection") {
      const value = head[index + 1];
      connection = value === undefined || value.startsWith("-") ? "" : value;
      if (connection !== "") index += 1;
    } else if (token.startsWith("--connection=")) connection = token.slice("--connection=".length);
    else rest.push(token);
  }
  return {
    json: head.includes("--json"),
    help: head.includes("--help") || head.includes("-h"),
    connection,
    tokens: [...rest, ...tail],
  };
}

export type Resolution =
  | { readonly kind: "found"; readonly command: CliCommand; readonly rest: readonly string[] }
  | { readonly kind: "group"; readonly words: string; readonly choices: readonly string[] }
  | { readonly kind: "unknown"; readonly word: string }
  | { readonly kind: "none" };

/** Finds the command whose words open the token list, the longest name first (`config check`). */
export function resolveCommand(commands: readonly CliCommand[], tokens: readonly string[]): Resolution {
  const words: string[] = [];
  for (const token of tokens) {
    if (token.startsWith("-")) break;
    words.push(token);
  }
  if (words.length === 0) return { kind: "none" };
  const byLength = [...commands].sort((a, b) => b.name.split(" ").length - a.name.split(" ").length);
  for (const command of byLength) {
    const name = command.name.split(" ");
    if (name.every((word, index) => words[index] === word)) {
      return { kind: "found", command, rest: tokens.slice(name.length) };
    }
  }
  const first = words[0] ?? "";
  const group = commands.filter((command) => command.name.startsWith(`${first} `));
  if (group.length > 0) {
    return { kind: "group", words: first, choices: group.map((command) => command.name.slice(first.length + 1)) };
  }
  return { kind: "unknown", word: first };
}

export interface ParsedInvocation {
  readonly args: Readonly<Record<string, string>>;
  readonly flags: ParsedFlags;
}

const bad = (code: ErrorCode, message: string) => err(new AppError(code, message));

/** Flags and positional arguments of one command, validated against its specs. */
export function parseInvocation(command: CliCommand, rest: readonly string[]): Result<ParsedInvocation, AppError> {
  const values = new Map<string, string | number | boolean>();
  const positional: string[] = [];
  for (let index = 0; index < rest.length; index++) {
    const token = rest[index] ?? "";
    if (token === "--") {
      positional.push(...rest.slice(index + 1));
      break;
    }
    if (!token.startsWith("-") || token === "-") {
      positional.push(token);
      continue;
    }
    const [rawName = "", inline] = token.startsWith("--") ? splitFlag(token) : ["", undefined];
    const spec = command.flags.find((flag) => flag.name === rawName);
    if (spec === undefined) {
      const known = command.flags.map((flag) => `--${flag.name}`).join(", ");
      return bad(
        "cli.bad_flag",
        `unknown flag ${token.split("=")[0]} for \`abm ${command.name}\`${known ? ` (flags: ${known}, --json)` : " (only --json)"}`,
      );
    }
    if (values.has(spec.name)) return bad("cli.bad_flag", `--${spec.name} is given twice`);
    if (spec.kind === "boolean") {
      if (inline !== undefined) return bad("cli.bad_flag", `--${spec.name} takes no value`);
      values.set(spec.name, true);
      continue;
    }
    const value = inline ?? rest[index + 1];
    if (inline === undefined) index++;
    if (value === undefined || (inline === undefined && value.startsWith("--"))) {
      return bad("cli.missing_argument", `--${spec.name} needs a value: --${spec.name} ${spec.valueName ?? "VALUE"}`);
    }
    const parsed = parseFlagValue(spec, value);
    if (!parsed.ok) return parsed;
    values.set(spec.name, parsed.value);
  }
  return parseArgs(command, positional, values);
}

function splitFlag(token: string): [string, string | undefined] {
  const body = token.slice(2);
  const eq = body.indexOf("=");
  return eq < 0 ? [body, undefined] : [body.slice(0, eq), body.slice(eq + 1)];
}

function parseFlagValue(spec: FlagSpec, value: string): Result<string | number, AppError> {
  if (spec.kind === "string") {
    return value === "" ? bad("cli.missing_argument", `--${spec.name} needs a non-empty value`) : ok(value);
  }
  const min = spec.min ?? Number.MIN_SAFE_INTEGER;
  const max = spec.max ?? Number.MAX_SAFE_INTEGER;
  const number = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    const range = spec.min !== undefined || spec.max !== undefined ? ` from ${min} to ${max}` : "";
    return bad("cli.bad_flag", `--${spec.name} must be a whole number${range} (got "${value}")`);
  }
  return ok(number);
}

function parseArgs(
  command: CliCommand,
  positional: readonly string[],
  values: ReadonlyMap<string, string | number | boolean>,
): Result<ParsedInvocation, AppError> {
  if (positional.length > command.args.length) {
    const extra = positional.slice(command.args.length).join(" ");
    return bad("cli.bad_argument", `unexpected argument "${extra}" for \`${command.usage}\``);
  }
  const args: Record<string, string> = {};
  for (const [index, spec] of command.args.entries()) {
    const value = positional[index];
    if (value === undefined) {
      if (spec.required) return bad("cli.missing_argument", `missing <${spec.name}>: ${command.usage}`);
      continue;
    }
    if (spec.choices !== undefined && !spec.choices.includes(value)) {
      return bad("cli.bad_argument", `<${spec.name}> must be ${spec.choices.join(" or ")} (got "${value}")`);
    }
    const refused = spec.validate?.(value) ?? null;
    if (refused !== null) return bad("cli.bad_argument", `<${spec.name}> ${refused}`);
    args[spec.name] = value;
  }
  return ok({ args, flags: flagReader(command, values) });
}

function flagReader(command: CliCommand, values: ReadonlyMap<string, string | number | boolean>): ParsedFlags {
  const spec = (name: string, kind: FlagSpec["kind"]): void => {
    // Asking for a flag the command never declared is a programming error, not bad usage.
    if (!command.flags.some((flag) => flag.name === name && flag.kind === kind)) {
      throw new Error(`abm ${command.name} reads undeclared ${kind} flag --${name}`);
    }
  };
  return {
    boolean: (name) => {
      spec(name, "boolean");
      return values.get(name) === true;
    },
    string: (name) => {
      spec(name, "string");
      const value = values.get(name);
      return typeof value === "string" ? value : undefined;
    },
    integer: (name) => {
      spec(name, "integer");
      const value = values.get(name);
      return typeof value === "number" ? value : undefined;
    },
  };
}
