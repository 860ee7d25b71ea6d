import { type CliCommand, notAvailable } from "../command.js";

/** `abm resume`. Not implemented in this build: answers "not available yet" with exit 1. */
export function createResumeCommand(): CliCommand {
  return {
    name: "resume",
    usage: "abm resume",
    summary: "Resume the scheduled sync cycles",
    args: [],
    flags: [],
    run: async () => notAvailable("resume"),
  };
}
