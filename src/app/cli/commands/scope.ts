import { type CliCommand, notAvailable } from "../command.js";

/** `abm scope <all|assigned> [--dry-run]`. Not implemented in this build: answers "not available yet" with exit 1. */
export function createScopeCommand(): CliCommand {
  return {
    name: "scope",
    usage: "abm scope <all|assigned> [--dry-run]",
    summary: "Change the sync scope: all users, or only users and groups assigned to the ABM app",
    args: [{ name: "scope", summary: "which users are synced", required: true, choices: ["all", "assigned"] }],
    flags: [{ name: "dry-run", kind: "boolean", summary: "show who would enter and leave the scope, change nothing" }],
    run: async () => notAvailable("scope"),
  };
}
