import { type CliCommand, notAvailable } from "../command.js";

/** `abm status`. Not implemented in this build: answers "not available yet" with exit 1. */
export function createStatusCommand(): CliCommand {
  return {
    name: "status",
    usage: "abm status",
    summary: "Show the sync state: engine, scope, last run, next run, failures, pending approvals",
    args: [],
    flags: [],
    run: async () => notAvailable("status"),
  };
}
