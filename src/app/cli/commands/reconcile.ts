import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { CSV_FLAG, runWithCsv } from "./csv-export.js";

/** `abm reconcile [--csv FILE]`: Entra against the Apple organization's own users; changes nothing. */
export function createReconcileCommand(access: AppAccess): CliCommand {
  return {
    name: "reconcile",
    usage: "abm reconcile [--csv FILE]",
    summary: "Compare Entra with Apple's own users (Apple Business API): orphans, missing, locked, admins, drift",
    args: [],
    flags: [CSV_FLAG],
    run: (ctx) => runWithCsv(ctx, access, (csv) => ({ name: "reconcile", csv })),
  };
}
