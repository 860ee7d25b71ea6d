import { type CliCommand, notAvailable } from "../command.js";

/** `abm errors [--csv FILE]`. Not implemented in this build: answers "not available yet" with exit 1. */
export function createErrorsCommand(): CliCommand {
  return {
    name: "errors",
    usage: "abm errors [--csv FILE]",
    summary: "List users that fail to sync, why, and how to fix each",
    args: [],
    flags: [{ name: "csv", kind: "string", valueName: "FILE", summary: "also write the list to FILE as CSV" }],
    run: async () => notAvailable("errors"),
  };
}
