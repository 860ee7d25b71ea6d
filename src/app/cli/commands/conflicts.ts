import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { CSV_FLAG, runWithCsv } from "./csv-export.js";

/** `abm conflicts [--csv FILE]`: users ABM refused with 409, like ABM's Download Conflicts. */
export function createConflictsCommand(access: AppAccess): CliCommand {
  return {
    name: "conflicts",
    usage: "abm conflicts [--csv FILE]",
    summary: "List users ABM refused because their address is already an Apple Account (409), and what to do",
    args: [],
    flags: [CSV_FLAG],
    run: (ctx) => runWithCsv(ctx, access, (csv) => ({ name: "conflicts", csv })),
  };
}
