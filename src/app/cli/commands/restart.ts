import { type CliCommand, notAvailable } from "../command.js";

/** `abm restart`. Not implemented in this build: answers "not available yet" with exit 1. */
export function createRestartCommand(): CliCommand {
  return {
    name: "restart",
    usage: "abm restart",
    summary: "Restart the sync from scratch (clears watermarks; the next cycle is a full one)",
    args: [],
    flags: [],
    run: async () => notAvailable("restart"),
  };
}
