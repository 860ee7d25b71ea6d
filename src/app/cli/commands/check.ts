import { type CliCommand, notAvailable } from "../command.js";
import { userArg } from "./arg-specs.js";

/** `abm check <user>`. Not implemented in this build: answers "not available yet" with exit 1. */
export function createCheckCommand(): CliCommand {
  return {
    name: "check",
    usage: "abm check <user>",
    summary: "Explain one user: in scope or not, validation problems, what would be sent to ABM, last result",
    args: [userArg],
    flags: [],
    run: async () => notAvailable("check"),
  };
}
