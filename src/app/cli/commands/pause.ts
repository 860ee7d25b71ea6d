import { type CliCommand, notAvailable } from "../command.js";

/** `abm pause`. Not implemented in this build: answers "not available yet" with exit 1. */
export function createPauseCommand(): CliCommand {
  return {
    name: "pause",
    usage: "abm pause",
    summary: "Pause the scheduled sync cycles",
    args: [],
    flags: [],
    run: async () => notAvailable("pause"),
  };
}
