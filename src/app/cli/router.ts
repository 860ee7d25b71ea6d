import type { Config } from "#config/config.js";
import { AppError, toAppError } from "#core/errors.js";
import type { Result } from "#core/result.js";
import { pickConnection } from "../pick-connection.js";
import type { CliCommand, CommandContext, CommandOutcome, Writer } from "./command.js";
import { describeCommand, formatCommandHelp, formatOverview, HELP_ENTRY } from "./help.js";
import { createOutput, type ExitCode, type Output } from "./output.js";
import { parseGlobal, parseInvocation, resolveCommand } from "./parse-argv.js";

export interface CliRuntime {
  /** the arguments after `abm` */
  readonly argv: readonly string[];
  /**
   * The configuration, loaded once by the caller: `main.ts` loads it from `process.env` at start,
   * the service's admin socket passes the service's own Config. An invalid one is reported (exit 2)
   * only when a command runs, so `abm help` works whatever the environment holds.
   */
  readonly config: Result<Config, AppError>;
  readonly stdout: Writer;
  readonly stderr: Writer;
  readonly commands: readonly CliCommand[];
  readonly signal: AbortSignal;
}

const HELP_HINT = "Run `abm help` to list the commands.";

/** Parses the command line and runs one command with the given configuration; resolves to the exit code. */
export async function runCli(runtime: CliRuntime): Promise<ExitCode> {
  const global = parseGlobal(runtime.argv);
  const out = createOutput(global.json, runtime.stdout, runtime.stderr);
  const { commands } = runtime;

  if (global.tokens[0] === "help") return help(out, commands, global.tokens.slice(1));
  const found = resolveCommand(commands, global.tokens);
  switch (found.kind) {
    case "none":
      if (global.help) return help(out, commands, []);
      return out.error(new AppError("cli.missing_command", "no command given."), 2, formatOverview(commands));
    case "unknown":
      return out.error(new AppError("cli.unknown_command", `unknown command "${found.word}".`), 2, HELP_HINT);
    case "group":
      return out.error(
        new AppError("cli.missing_command", `\`abm ${found.words}\` needs one of: ${found.choices.join(", ")}.`),
        2,
        HELP_HINT,
      );
    case "found":
      break;
  }
  const { command } = found;
  if (global.help) return help(out, commands, command.name.split(" "));

  const invocation = parseInvocation(command, found.rest);
  if (!invocation.ok) return out.error(invocation.error, 2, `Usage: ${command.usage}`);

  const { config } = runtime;
  if (!config.ok) return out.error(config.error, 2);
  if (global.connection !== null) {
    const named = pickConnection(config.value.connections, (c) => c.id, global.connection);
    if (!named.ok) return out.error(named.error, 2);
  }

  const ctx: CommandContext = {
    command: command.name,
    args: invocation.value.args,
    flags: invocation.value.flags,
    json: global.json,
    connection: global.connection,
    config: config.value,
    stderr: runtime.stderr,
    signal: runtime.signal,
    print: (data, text) => out.success(data, text),
  };
  let outcome: CommandOutcome;
  try {
    outcome = await command.run(ctx);
  } catch (thrown) {
    return out.error(toAppError(thrown, "cli.unexpected"), 1);
  }
  return render(out, outcome, command);
}

function render(out: Output, outcome: CommandOutcome, command: CliCommand): ExitCode {
  switch (outcome.kind) {
    case "success":
      out.success(outcome.data, outcome.text);
      return 0;
    case "emitted":
      if (out.done) return 0;
      return out.error(new AppError("cli.unexpected", `abm ${command.name} finished without a result.`), 1);
    case "failure":
      return out.error(outcome.error, 1);
    case "usage":
      return out.error(outcome.error, 2, `Usage: ${command.usage}`);
    case "setup":
      return out.error(outcome.error, 2);
  }
}

function help(out: Output, commands: readonly CliCommand[], words: readonly string[]): ExitCode {
  if (words.length === 0 || (words.length === 1 && words[0] === "help")) {
    const list = [HELP_ENTRY, ...commands.map(describeCommand)];
    out.success({ commands: list }, formatOverview(commands));
    return 0;
  }
  const found = resolveCommand(commands, words);
  if (found.kind === "found" && found.rest.length === 0) {
    out.success({ command: describeCommand(found.command) }, formatCommandHelp(found.command));
    return 0;
  }
  if (found.kind === "group") {
    const group = commands.filter((command) => command.name.startsWith(`${found.words} `));
    out.success({ commands: group.map(describeCommand) }, group.map(formatCommandHelp).join("\n\n"));
    return 0;
  }
  return out.error(new AppError("cli.unknown_command", `unknown command "${words.join(" ")}".`), 2, HELP_HINT);
}
