import { writeFile } from "node:fs/promises";
import type { Answer } from "#core/chat/context.js";
import type { Command } from "#core/chat/grammar.js";
import { AppError } from "#core/errors.js";
import type { AppAccess } from "../app-access.js";
import { type CommandContext, type CommandOutcome, failure, success } from "../command.js";
import { ask, outcomeOf, withApp } from "./engine-support.js";

/** `--csv FILE`, the flag of the commands that export their list (`errors`, `orphans`). */
export const csvFlag = {
  name: "csv",
  kind: "string",
  valueName: "FILE",
  summary: "also write the list to FILE as CSV",
} as const;

/**
 * Asks the core once (with `csv` when `--csv FILE` was given), writes the answer's CSV to FILE and
 * says how many rows it wrote; `--json` then also names the file.
 */
export function runWithCsv(
  ctx: CommandContext,
  access: AppAccess,
  command: (csv: boolean) => Command,
): Promise<CommandOutcome> {
  return withApp(ctx, access, async (s) => {
    const csvPath = ctx.flags.string("csv");
    const answer: Answer = await ask(s, command(csvPath !== undefined));
    if (!answer.ok || csvPath === undefined || answer.csv === undefined) return outcomeOf(ctx, answer);
    try {
      await writeFile(csvPath, answer.csv, "utf8");
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return failure(new AppError("cli.csv_write_failed", `Could not write ${csvPath}: ${reason}`, { cause: error }));
    }
    const shown = outcomeOf(ctx, answer);
    const text = shown.kind === "success" ? shown.text : "";
    const total = answer.data.total;
    return success({ ...answer.data, csv: csvPath }, `${text}Wrote ${String(total)} rows to ${csvPath}.\n`);
  });
}
