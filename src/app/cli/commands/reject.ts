import { type CliCommand, notAvailable } from "../command.js";
import { approvalIdArg } from "./arg-specs.js";

/** `abm reject <id>`. Not implemented in this build: answers "not available yet" with exit 1. */
export function createRejectCommand(): CliCommand {
  return {
    name: "reject",
    usage: "abm reject <id>",
    summary: "Reject a held deletion batch (nothing is deleted)",
    args: [approvalIdArg],
    flags: [],
    run: async () => notAvailable("reject"),
  };
}
