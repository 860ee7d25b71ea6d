import { type CliCommand, notAvailable } from "../command.js";

/** `abm approvals`. Not implemented in this build: answers "not available yet" with exit 1. */
export function createApprovalsCommand(): CliCommand {
  return {
    name: "approvals",
    usage: "abm approvals",
    summary: "List deletion batches held for approval",
    args: [],
    flags: [],
    run: async () => notAvailable("approvals"),
  };
}
