import type { AppAccess } from "../app-access.js";
import type { CliCommand } from "../command.js";
import { outcomeWithCsv } from "./csv-file.js";
import { ask, withApp } from "./engine-support.js";

/** `abm reconcile [--csv FILE]`: Entra against the Apple organization's own users; changes nothing. */
export function createReconcileCommand(access: AppAccess): CliCommand {
  return {
    name: "reconcile",
    usage: "abm reconcile [--csv FILE]",
    summary: "Compare Entra with Apple's own users (Apple Business API): orphans, missing, locked, admins, drift",
    args: [],
    flags: [{ name: "csv", kind: "string", valueName: "FILE", summary: "also write every mismatch to FILE as CSV" }],
    run: (ctx) =>
      withApp(ctx, access, async (s) => {
        const csvPath = ctx.flags.string("csv");
        const answer = await ask(s, { name: "reconcile", csv: csvPath !== undefined });
        const report = answer.ok ? (answer.data.report as { readonly total?: unknown } | undefined) : undefined;
        return outcomeWithCsv(ctx, answer, csvPath, Number(report?.total ?? 0));
      }),
  };
}
