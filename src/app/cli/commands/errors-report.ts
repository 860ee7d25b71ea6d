import { writeFile } from "node:fs/promises";
import { AppError } from "#core/errors.js";
import type { FailureEntry } from "#core/ports/provisioning-engine.js";
import type { AppServices } from "../../services.js";
import { type CommandContext, type CommandOutcome, failure, success } from "../command.js";
import { chatText } from "./engine-support.js";

const COLUMNS = [
  "entraId",
  "userName",
  "action",
  "code",
  "reason",
  "fix",
  "attempts",
  "lastAttemptAt",
  "nextRetryAt",
] as const;

function csvCell(value: string): string {
  // formula injection guard for spreadsheet apps, then RFC 4180 quoting
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(failures: readonly FailureEntry[]): string {
  const rows = failures.map((f) =>
    [
      f.entraId,
      f.userName ?? "",
      f.action,
      f.code,
      f.reason,
      f.fix,
      String(f.attempts),
      f.lastAttemptAt.toISOString(),
      f.nextRetryAt?.toISOString() ?? "",
    ]
      .map(csvCell)
      .join(","),
  );
  return `${[COLUMNS.join(","), ...rows].join("\r\n")}\r\n`;
}

/** `abm errors [--csv FILE]`: like ABM's Download Logs, grouped by reason, with fixes. */
export async function errorsOutcome(ctx: CommandContext, services: AppServices): Promise<CommandOutcome> {
  const result = await services.engine.failures();
  if (!result.ok) return failure(result.error);
  const failures = result.value;
  const groups = new Map<string, { code: string; fix: string; count: number; examples: string[] }>();
  for (const f of failures) {
    const group = groups.get(f.code) ?? { code: f.code, fix: f.fix, count: 0, examples: [] };
    group.count += 1;
    if (group.examples.length < 5) group.examples.push(f.userName ?? f.entraId);
    groups.set(f.code, group);
  }
  const csvPath = ctx.flags.string("csv");
  if (csvPath !== undefined) {
    try {
      await writeFile(csvPath, toCsv(failures), "utf8");
    } catch (error) {
      return failure(
        new AppError("cli.csv_write_failed", `Could not write ${csvPath}: ${(error as Error).message}`, {
          cause: error,
        }),
      );
    }
  }
  const data = {
    total: failures.length,
    groups: [...groups.values()].sort((a, b) => b.count - a.count),
    failures,
    csv: csvPath ?? null,
  };
  if (ctx.json) return success(data, "");
  const text = await chatText(services, "errors");
  return success(data, `${text}${csvPath === undefined ? "" : `Wrote ${failures.length} rows to ${csvPath}.\n`}`);
}
