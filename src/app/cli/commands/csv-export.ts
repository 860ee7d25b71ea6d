import { writeFile } from "node:fs/promises";
import type { Command } from "#core/chat/grammar.js";
import { AppError } from "#core/errors.js";
import type { AppAccess } from "../app-access.js";
import { type CommandContext, type CommandOutcome, type FlagSpec, failure, success } from "../command.js";
import { ask, outcomeOf, withApp } from "./engine-support.js";

/** The `--csv FILE` flag of the commands whose answer is a list (`errors`, `conflicts`, `orphans`, `reconcile`). */
export const CSV_FLAG: FlagSpec = {
  name: "csv",
  kind: "string",
  valueName: "FILE",
  summary: "also write the list to FILE as CSV",
};

/** Asks the command (with its CSV when `--csv FILE` is given) and writes the CSV to FILE. */
export function runWithCsv(
  ctx: CommandContext,
  access: AppAccess,
  command: (csv: boolean) => Command,
): Promise<CommandOutcome> {
  return withApp(ctx, access, async (s) => {
    const csvPath = ctx.flags.string("csv");
    const answer = await ask(s, command(csvPath !== undefined));
    if (!answer.ok || csvPath === undefined || answer.csv === undefined) return outcomeOf(ctx, answer);
    try {
      await writeFile(csvPath, answer.csv, "utf8");
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return failure(new AppError("cli.csv_write_failed", `Could not write ${csvPath}: ${reason}`, { cause: error }));
    }
    const shown = outcomeOf(ctx, answer);
    const text = shown.kind === "success" ? shown.text : "";
    // the answer's own count when it has one, else the CSV's rows (header and final line end excluded)
    const total = typeof answer.data.total === "number" ? answer.data.total : answer.csv.split("\r\n").length - 2;
    return success({ ...answer.data, csv: csvPath }, `${text}Wrote ${String(total)} rows to ${csvPath}.\n`);
  });
}
