import { organizationWords } from "../../organization.js";
import type { Orphan, OrphanReport } from "../../ports/provisioning-engine.js";
import { type Answer, type CommandContext, failedAnswer, succeeded } from "../context.js";
import { toCsv } from "../csv.js";
import { code, count, countedList, linksBlock, plain } from "../format.js";
import type { Reply, ReplyBlock } from "../reply.js";

const SHOWN_PER_KIND = 10;

const KIND_TITLES: Readonly<Record<Orphan["kind"], string>> = {
  linked: "Linked to an Entra user that is gone or out of scope",
  foreign: "An externalId no Entra user in scope has (another source, or a deleted user)",
  unlinked: "No externalId and no link (made by hand, or by another source)",
};

const COLUMNS = ["scimId", "userName", "externalId", "active", "kind", "entraId", "reason"] as const;

/** Every orphan as CSV (the CLI's `--csv FILE`). */
function orphansCsv(orphans: readonly Orphan[]): string {
  return toCsv(
    COLUMNS,
    orphans.map((o) => [o.scimId, o.userName, o.externalId ?? "", String(o.active), o.kind, o.entraId ?? "", o.reason]),
  );
}

function took(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function orphansReply(ctx: CommandContext, report: OrphanReport): Reply {
  const apple = organizationWords(ctx.deps.config.links.organization).short;
  const measured = `Compared ${count(report.abmUsers, `${apple} user`)} with ${count(report.entraInScope, "Entra user")} in scope (${report.scope}) in ${took(report.elapsedMs)}. Nothing was changed.`;
  const links = linksBlock(ctx.deps.config.links, ["activity"]);
  if (report.orphans.length === 0) {
    return {
      fallbackText: `No orphans: every ${apple} user has an Entra user in scope`,
      blocks: [
        { type: "text", text: `No orphans: every ${apple} user has an Entra user in scope. ✅` },
        { type: "context", text: measured },
        ...links,
      ],
      visibility: "private",
      tone: "success",
    };
  }
  const blocks: ReplyBlock[] = [
    { type: "header", text: `${count(report.orphans.length, `${apple} user`)} without an Entra user in scope` },
  ];
  for (const kind of ["linked", "foreign", "unlinked"] as const) {
    const of = report.orphans.filter((o) => o.kind === kind);
    if (of.length === 0) continue;
    blocks.push({ type: "text", text: `**${KIND_TITLES[kind]}** — ${of.length}` });
    blocks.push(
      countedList(
        of
          .slice(0, SHOWN_PER_KIND)
          .map((o) => `${plain(o.userName)} ${code(o.scimId)}${o.active ? "" : " (inactive)"}: ${plain(o.reason)}`),
        of.length,
        SHOWN_PER_KIND,
      ),
    );
  }
  blocks.push(
    {
      type: "context",
      text: `${measured} \`abm orphans --csv FILE\` exports all of them. Review them in ${apple}.`,
    },
    ...links,
  );
  return {
    fallbackText: `${report.orphans.length} ${apple} users without an Entra user in scope`,
    blocks,
    visibility: "private",
    tone: "warning",
  };
}

/** `orphans`: ABM users with no Entra user in scope, and why; `csv` adds the whole list as CSV. */
export async function orphansCommand(ctx: CommandContext, csv: boolean): Promise<Answer> {
  const report = await ctx.deps.engine.orphans();
  if (!report.ok) return failedAnswer("Looking for orphans", report.error);
  const data = { total: report.value.orphans.length, ...report.value };
  const answer = succeeded(data, [orphansReply(ctx, report.value)]);
  return csv && answer.ok ? { ...answer, csv: orphansCsv(report.value.orphans) } : answer;
}
