import { type CliCommand, notAvailable } from "../command.js";

/** `abm emulate [--users N] [--seed S] [--graph-port P] [--abm-port P]`. Not implemented in this build: answers "not available yet" with exit 1. */
export function createEmulateCommand(): CliCommand {
  return {
    name: "emulate",
    usage: "abm emulate [--users N] [--seed S] [--graph-port P] [--abm-port P]",
    summary: "Start the Graph (Entra) and ABM SCIM emulators on loopback until stopped",
    args: [],
    flags: [
      {
        name: "users",
        kind: "integer",
        valueName: "N",
        min: 0,
        max: 100000,
        summary: "users to seed in the Graph emulator",
      },
      {
        name: "seed",
        kind: "integer",
        valueName: "S",
        min: 0,
        max: 2147483647,
        summary: "random seed for the generated users",
      },
      {
        name: "graph-port",
        kind: "integer",
        valueName: "P",
        min: 0,
        max: 65535,
        summary: "port of the Graph emulator (default: any free port)",
      },
      {
        name: "abm-port",
        kind: "integer",
        valueName: "P",
        min: 0,
        max: 65535,
        summary: "port of the ABM SCIM emulator (default: any free port)",
      },
    ],
    run: async () => notAvailable("emulate"),
  };
}
