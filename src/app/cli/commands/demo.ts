import { type CliCommand, notAvailable } from "../command.js";

/** `abm demo`. Not implemented in this build: answers "not available yet" with exit 1. */
export function createDemoCommand(): CliCommand {
  return {
    name: "demo",
    usage: "abm demo",
    summary: "Run the service against the local Entra and ABM emulators, with sample users",
    args: [],
    flags: [],
    run: async () => notAvailable("demo"),
  };
}
