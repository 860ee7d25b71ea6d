import type { CliCommand } from "./command.js";

const EXIT_CODES = "Exit codes: 0 success, 1 the operation failed, 2 bad usage or invalid configuration.";

export const HELP_ENTRY = { name: "help", usage: "abm help [command]", summary: "List the commands, or explain one" };

/** `abm help`: every command with its usage and summary. */
export function formatOverview(commands: readonly CliCommand[]): string {
  const rows = [HELP_ENTRY, ...commands];
  const width = Math.min(44, Math.max(...rows.map((row) => row.usage.length)));
  const lines = rows.map((row) => `  ${row.usage.padEnd(width)}  ${row.summary}`);
  return [
    "abm — runs and supervises the SCIM user sync from Microsoft Entra ID into Apple Business Manager.",
    "",
    "Usage: abm <command> [arguments] [--json] [--connection ID]",
    "",
    "Commands:",
    ...lines,
    "",
    "Every command takes --json: one JSON document on stdout, also for errors.",
    "With several organizations (ABM_CONNECTIONS), --connection ID says which one; `abm status` lists them all.",
    EXIT_CODES,
    "Configuration comes from the environment (see .env.example); check it with `abm config check`.",
    "Run `abm help <command>` for the arguments and flags of one command.",
  ].join("\n");
}

/** `abm help <command>` and `abm <command> --help`. */
export function formatCommandHelp(command: CliCommand): string {
  const args = command.args.map((arg) => {
    const choices = arg.choices ? ` (${arg.choices.join(" | ")})` : "";
    return `  <${arg.name}>${arg.required ? "" : " (optional)"}  ${arg.summary}${choices}`;
  });
  const flags = [
    ...command.flags.map((flag) => {
      const value = flag.kind === "boolean" ? "" : ` ${flag.valueName ?? "VALUE"}`;
      return `  --${flag.name}${value}  ${flag.summary}`;
    }),
    "  --json  print one JSON document on stdout",
    "  --connection ID  the organization to act on (needed when ABM_CONNECTIONS lists several)",
  ];
  return [
    `Usage: ${command.usage}`,
    "",
    command.summary,
    ...(args.length > 0 ? ["", "Arguments:", ...args] : []),
    "",
    "Flags:",
    ...flags,
    "",
    EXIT_CODES,
  ].join("\n");
}

export function describeCommand(command: CliCommand) {
  return {
    name: command.name,
    usage: command.usage,
    summary: command.summary,
    args: command.args.map((arg) => ({ name: arg.name, required: arg.required, choices: arg.choices ?? null })),
    flags: command.flags.map((flag) => ({ name: flag.name, kind: flag.kind })),
  };
}
