import type { FailureEntry } from "../../ports/provisioning-engine.js";
import { type Answer, type CommandContext, failedAnswer, succeeded } from "../context.js";
import { csvTable } from "../csv.js";
import { code, countedList, linksBlock, plain } from "../format.js";
import type { Reply, ReplyBlock } from "../reply.js";

export interface FailureGroup {
  readonly code: string;
  readonly reason: string;
  readonly fix: string;
  readonly count: number;
  readonly examples: readonly string[];
}

/** Failures grouped by reason code, largest group first; `examples` keeps the first few users. */
export function groupFailures(failures: readonly FailureEntry[], examplesPerGroup = 5): FailureGroup[] {
  const groups = new Map<string, { code: string; reason: string; fix: string; count: number; examples: string[] }>();
  for (const failure of failures) {
    let group = groups.get(failure.code);
    if (group === undefined) {
      group = { code: failure.code, reason: failure.reason, fix: failure.fix, count: 0, examples: [] };
      groups.set(failure.code, group);
    }
    group.count += 1;
    if (group.examples.length < examplesPerGroup) group.examples.push(failure.userName ?? failure.entraId);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code));
}

const GROUPS_SHOWN = 10;

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

/** Every failing user as CSV, like ABM's Download Logs. */
export function failuresCsv(failures: readonly FailureEntry[]): string {
  const rows = failures.map((f) => [
    f.entraId,
    f.userName ?? "",
    f.action,
    f.code,
    f.reason,
    f.fix,
    String(f.attempts),
    f.lastAttemptAt.toISOString(),
    f.nextRetryAt?.toISOString() ?? "",
  ]);
  return csvTable(COLUMNS, rows);
}

/** `errors`: failing users grouped by reason with the fix; `csv` adds the whole list as CSV. */
export async function errorsCommand(ctx: CommandContext, csv: boolean): Promise<Answer> {
  const failures = await ctx.deps.engine.failures();
  if (!failures.ok) return failedAnswer("Reading the failures", failures.error);
  const groups = groupFailures(failures.value);
  const data = { total: failures.value.length, groups, failures: failures.value };
  const answer = succeeded(data, [errorsReply(ctx, failures.value, groups)]);
  return csv && answer.ok ? { ...answer, csv: failuresCsv(failures.value) } : answer;
}

function errorsReply(ctx: CommandContext, failures: readonly FailureEntry[], groups: readonly FailureGroup[]): Reply {
  const links = linksBlock(ctx.deps.config.links, ["activity", "entra"]);
  if (failures.length === 0) {
    return {
      fallbackText: "No failing users",
      blocks: [{ type: "text", text: "No failing users. ✅" }, ...links],
      visibility: "private",
      tone: "success",
    };
  }
  const blocks: ReplyBlock[] = [{ type: "header", text: `${failures.length} failing users, ${groups.length} reasons` }];
  for (const group of groups.slice(0, GROUPS_SHOWN)) {
    blocks.push({
      type: "text",
      text: `**${plain(group.reason)}** ${code(group.code)} — ${group.count} users\nHow to fix: ${plain(group.fix)}`,
    });
    blocks.push(countedList(group.examples.map(plain), group.count, group.examples.length));
  }
  if (groups.length > GROUPS_SHOWN) {
    blocks.push({
      type: "context",
      text: `+${groups.length - GROUPS_SHOWN} more reasons. \`abm errors --csv FILE\` exports all of them.`,
    });
  }
  blocks.push({ type: "context", text: "Failed users are retried on the next cycle once fixed." }, ...links);
  return {
    fallbackText: `${failures.length} failing users: ${groups
      .map((g) => `${g.code} ×${g.count}`)
      .slice(0, 5)
      .join(", ")}`,
    blocks,
    visibility: "private",
    tone: "warning",
  };
}
