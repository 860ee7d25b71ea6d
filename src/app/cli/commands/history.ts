import { type CliCommand, notAvailable } from "../command.js";

/** `abm history [--limit N]`. Not implemented in this build: answers "not available yet" with exit 1. */
export function createHistoryCommand(): CliCommand {
  return {
    name: "history",
    usage: "abm history [--limit N]",
    summary: "Show the latest sync runs with their counts and outcome",
    args: [],
    flags: [
      { name: "limit", kind: "integer", valueName: "N", min: 1, max: 1000, summary: "how many runs (default 20)" },
    ],
    run: async () => notAvailable("history"),
  };
}
