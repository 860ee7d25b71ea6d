import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { CSV_FLAG, runWithCsv } from "./csv-export.js";

/** `abm orphans [--csv FILE]`: ABM users with no Entra user in scope; changes nothing. */
export function createOrphansCommand(access: AppAccess): CliCommand {
  return {
    name: "orphans",
    usage: "abm orphans [--csv FILE]",
    summary: "List ABM users with no Entra user in scope (made by hand, another source, or gone from Entra)",
    args: [],
    flags: [CSV_FLAG],
    run: (ctx) => runWithCsv(ctx, access, (csv) => ({ name: "orphans", csv })),
  };
}
