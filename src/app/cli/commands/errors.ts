import { writeFile } from "node:fs/promises";
import { AppError } from "#core/errors.js";
import type { AppAccess } from "../app-access.js";
import { type CliCommand, failure, success } from "../command.js";
import { ask, outcomeOf, withApp } from "./engine-support.js";

/** `abm errors [--csv FILE]`: like ABM's Download Logs, grouped by reason, with fixes. */
export function createErrorsCommand(access: AppAccess): CliCommand {
  return {
    name: "errors",
    usage: "abm errors [--csv FILE]",
    summary: "List users that fail to sync, why, and how to fix each",
    args: [],
    flags: [{ name: "csv", kind: "string", valueName: "FILE", summary: "also write the list to FILE as CSV" }],
    run: (ctx) =>
      withApp(ctx, access, async (s) => {
        const csvPath = ctx.flags.string("csv");
        const answer = await ask(s, { name: "errors", csv: csvPath !== undefined });
        if (!answer.ok || csvPath === undefined || answer.csv === undefined) return outcomeOf(ctx, answer);
        try {
          await writeFile(csvPath, answer.csv, "utf8");
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          return failure(
            new AppError("cli.csv_write_failed", `Could not write ${csvPath}: ${reason}`, { cause: error }),
          );
        }
        const shown = outcomeOf(ctx, answer);
        const text = shown.kind === "success" ? shown.text : "";
        const total = answer.data.total;
        return success({ ...answer.data, csv: csvPath }, `${text}Wrote ${String(total)} rows to ${csvPath}.\n`);
      }),
  };
}
