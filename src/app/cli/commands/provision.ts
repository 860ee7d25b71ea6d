import { type CliCommand, notAvailable } from "../command.js";
import { userArg } from "./arg-specs.js";

/** `abm provision <user>`. Not implemented in this build: answers "not available yet" with exit 1. */
export function createProvisionCommand(): CliCommand {
  return {
    name: "provision",
    usage: "abm provision <user>",
    summary: "Provision one user into ABM now (provision on demand)",
    args: [userArg],
    flags: [],
    run: async () => notAvailable("provision"),
  };
}
