import { type AppleOrganization, organizationWords } from "../../organization.js";
import type { FailureEntry } from "../../ports/provisioning-engine.js";
import { type Answer, type CommandContext, failedAnswer, succeeded } from "../context.js";
import { toCsv } from "../csv.js";
import { code, countedList, formatTime, linksBlock, plain } from "../format.js";
import type { Reply, ReplyBlock } from "../reply.js";

/** the error code of a SCIM 409 (uniqueness): ABM already holds an account with that address */
const CONFLICT_CODE = "scim.conflict";
const SHOWN = 20;

/** What a 409 means, what the admin can do in ABM, and a note to send the user (the `conflicts` answer). */
export function conflictGuidance(organization: AppleOrganization) {
  const apple = organizationWords(organization);
  return {
    meaning: `${apple.short} answered 409 (uniqueness): a personal Apple Account — or another Managed Apple Account — already uses that address, so ${apple.short} cannot create the Managed Apple Account.`,
    actions: [
      `${apple.name} lists the same users as account conflicts (Users, Download Conflicts). Apple asks the owner of the personal Apple Account to change its email address within 60 days; once it is free, the next cycle creates the user by itself (each failed user is retried).`,
      "Or give the user a different Managed Apple Account name: change the attribute the userName comes from in Entra (the UPN by default), or map userName to another attribute with `ABM_ATTRIBUTE_MAP`.",
      `When another Managed Apple Account holds the address (made by hand or by another source), rename or delete that account in ${apple.name}.`,
    ],
    template: [
      "Hello,",
      "",
      `our organization is setting up your work Apple Account (a Managed Apple Account in ${apple.name}) with your work address <address>. A personal Apple Account already uses that address, so we cannot create it.`,
      "",
      "Please change the email address of your personal Apple Account to a private address (on iPhone: Settings → your name → Sign-In & Security; or at account.apple.com) within 60 days. You keep everything in it: purchases, photos and data stay with your personal account.",
      "",
      "Tell us when it is done, or if you have questions. Thank you!",
    ].join("\n"),
  };
}

const COLUMNS = ["userName", "entraId", "since", "lastAttemptAt", "attempts", "action", "detail"] as const;

/** The conflicting users as CSV, like ABM's Download Conflicts. */
function conflictsCsv(conflicts: readonly FailureEntry[]): string {
  return toCsv(
    COLUMNS,
    conflicts.map((c) => [
      c.userName ?? "",
      c.entraId,
      c.failingSince?.toISOString() ?? "",
      c.lastAttemptAt.toISOString(),
      String(c.attempts),
      c.action,
      c.reason,
    ]),
  );
}

function since(c: FailureEntry): string {
  return c.failingSince === undefined
    ? `last tried ${formatTime(c.lastAttemptAt)}`
    : `since ${formatTime(c.failingSince)}`;
}

function conflictsReply(ctx: CommandContext, conflicts: readonly FailureEntry[]): Reply {
  const { links } = ctx.deps.config;
  const apple = organizationWords(links.organization);
  if (conflicts.length === 0) {
    return {
      fallbackText: "No account conflicts",
      blocks: [{ type: "text", text: `No user is refused by ${apple.short} for an address already in use. ✅` }],
      visibility: "private",
      tone: "success",
    };
  }
  const guidance = conflictGuidance(links.organization);
  const users = conflicts.map(
    (c) =>
      `${plain(c.userName ?? c.entraId)} — ${since(c)}, ${c.attempts} attempt${c.attempts === 1 ? "" : "s"} (${code(c.entraId)})`,
  );
  const blocks: ReplyBlock[] = [
    {
      type: "header",
      text: `${conflicts.length} account conflict${conflicts.length === 1 ? "" : "s"} in ${apple.short}`,
    },
    { type: "text", text: `**What it means:** ${guidance.meaning}` },
    countedList(users, conflicts.length, SHOWN, "Users"),
    {
      type: "list",
      title: `What you can do in ${apple.short}`,
      items: guidance.actions.map((a, i) => `${i + 1}. ${a}`),
      total: guidance.actions.length,
    },
    { type: "text", text: `**A message to send the user** (replace <address>):\n${plain(guidance.template)}` },
    {
      type: "context",
      text: `\`abm conflicts --csv FILE\` exports the list like ${apple.short}'s Download Conflicts.`,
    },
    ...linksBlock(links, ["activity"]),
  ];
  return {
    fallbackText: `${conflicts.length} users conflict with an existing Apple Account`,
    blocks,
    visibility: "private",
    tone: "warning",
  };
}

/** `conflicts`: the users ABM refused with 409 (uniqueness); `csv` adds the list as CSV. */
export async function conflictsCommand(ctx: CommandContext, csv: boolean): Promise<Answer> {
  const failures = await ctx.deps.engine.failures();
  if (!failures.ok) return failedAnswer("Reading the conflicts", failures.error);
  const conflicts = failures.value.filter((f) => f.code === CONFLICT_CODE);
  const guidance = conflictGuidance(ctx.deps.config.links.organization);
  const data = {
    total: conflicts.length,
    conflicts: conflicts.map((c) => ({
      entraId: c.entraId,
      userName: c.userName,
      since: c.failingSince?.toISOString() ?? null,
      lastAttemptAt: c.lastAttemptAt.toISOString(),
      attempts: c.attempts,
      action: c.action,
      detail: c.reason,
    })),
    ...guidance,
  };
  const answer = succeeded(data, [conflictsReply(ctx, conflicts)]);
  return csv && answer.ok ? { ...answer, csv: conflictsCsv(conflicts) } : answer;
}
