import { type CliCommand, notAvailable } from "../command.js";

/** `abm sync [--full] [--dry-run]`. Not implemented in this build: answers "not available yet" with exit 1. */
export function createSyncCommand(): CliCommand {
  return {
    name: "sync",
    usage: "abm sync [--full] [--dry-run]",
    summary: "Run a sync cycle now (incremental unless --full); --dry-run shows the plan only",
    args: [],
    flags: [
      { name: "full", kind: "boolean", summary: "full cycle over every user in scope, not only changes" },
      { name: "dry-run", kind: "boolean", summary: "show what would change, change nothing" },
    ],
    run: async () => notAvailable("sync"),
  };
}
