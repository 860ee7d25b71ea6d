import { type CliCommand, notAvailable } from "../command.js";
import { approvalIdArg } from "./arg-specs.js";

/** `abm approve <id>`. Not implemented in this build: answers "not available yet" with exit 1. */
export function createApproveCommand(): CliCommand {
  return {
    name: "approve",
    usage: "abm approve <id>",
    summary: "Approve a held deletion batch (it runs once, whoever clicks first)",
    args: [approvalIdArg],
    flags: [],
    run: async () => notAvailable("approve"),
  };
}
