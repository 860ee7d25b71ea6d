import { type CliCommand, notAvailable } from "../command.js";

/** `abm serve`. Not implemented in this build: answers "not available yet" with exit 1. */
export function createServeCommand(): CliCommand {
  return {
    name: "serve",
    usage: "abm serve",
    summary: "Run the service: HTTP endpoints for Slack and Teams, the scheduler and alerts",
    args: [],
    flags: [],
    run: async () => notAvailable("serve"),
  };
}
