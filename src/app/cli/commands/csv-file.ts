import { writeFile } from "node:fs/promises";
import type { Answer } from "#core/chat/context.js";
import { AppError } from "#core/errors.js";
import { type CommandContext, type CommandOutcome, failure, success } from "../command.js";
import { outcomeOf } from "./engine-support.js";

/**
 * The CLI side of `--csv FILE` (`errors`, `reconcile`): the answer's CSV is written to FILE, `--json`
 * gains `"csv": FILE` and the text ends with how many rows were written.
 */
export async function outcomeWithCsv(
  ctx: CommandContext,
  answer: Answer,
  csvPath: string | undefined,
  rows: number,
): Promise<CommandOutcome> {
  if (!answer.ok || csvPath === undefined || answer.csv === undefined) return outcomeOf(ctx, answer);
  try {
    await writeFile(csvPath, answer.csv, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return failure(new AppError("cli.csv_write_failed", `Could not write ${csvPath}: ${reason}`, { cause: error }));
  }
  const shown = outcomeOf(ctx, answer);
  const text = shown.kind === "success" ? shown.text : "";
  return success({ ...answer.data, csv: csvPath }, `${text}Wrote ${String(rows)} rows to ${csvPath}.\n`);
}
