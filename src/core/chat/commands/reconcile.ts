import { AppError } from "../../errors.js";
import { organizationWords } from "../../organization.js";
import { MISMATCH_KINDS, type MismatchKind, type ReconcileReport } from "../../reconcile/reconcile.js";
import { type Answer, type CommandContext, failedAnswer, succeeded } from "../context.js";
import { toCsv } from "../csv.js";
import { countedList, formatTime, plain } from "../format.js";
import type { Reply, ReplyBlock } from "../reply.js";

/** How each kind of mismatch is named and what an admin does about it. */
const MISMATCH_WORDS: Readonly<Record<MismatchKind, { readonly title: string; readonly fix: string }>> = {
  missing_in_apple: {
    title: "In scope in Entra, missing in Apple",
    fix: "`check <user>` says why the sync did not create them.",
  },
  orphan: {
    title: "Active in Apple, disabled, deleted or out of scope in Entra",
    fix: "Deactivate them in ABM, or bring them back into the sync's scope.",
  },
  blocked_in_apple: {
    title: "Deactivated or locked in Apple, active in Entra",
    fix: "Reactivate or unlock them in ABM → Users.",
  },
  admin_skipped: {
    title: "Administrators the sync skips",
    fix: "Apple's sync leaves privileged accounts alone: use a separate admin account, or keep this one by hand.",
  },
  drift: {
    title: "Attributes that differ",
    fix: "The next cycle updates what the sync owns; values set by hand in ABM stay until then.",
  },
};

const EXAMPLES = 5;
const COLUMNS = ["kind", "account", "entraId", "appleId", "appleStatus", "detail"] as const;

/** Every mismatch as CSV. */
function reportCsv(report: ReconcileReport): string {
  return toCsv(
    COLUMNS,
    report.mismatches.map((m) => [m.kind, m.account, m.entraId ?? "", m.appleId ?? "", m.appleStatus ?? "", m.detail]),
  );
}

/** `reconcile`: Entra (in scope) against the Apple organization's own users; nothing is changed in Apple. */
export async function reconcileCommand(ctx: CommandContext, csv: boolean): Promise<Answer> {
  const reconciler = ctx.deps.reconciler ?? null;
  if (reconciler === null)
    return failedAnswer(
      "Reconcile",
      new AppError(
        "apple.not_configured",
        "The Apple side is off: set APPLE_API_CLIENT_ID, APPLE_API_KEY_ID and APPLE_API_PRIVATE_KEY (an API account from ABM → Preferences → API).",
      ),
    );
  const report = await reconciler.run();
  if (!report.ok) return failedAnswer("Reconcile", report.error);
  const answer = succeeded({ report: reconcileData(report.value) }, [reconcileReply(ctx, report.value)]);
  return csv && answer.ok ? { ...answer, csv: reportCsv(report.value) } : answer;
}

function reconcileData(report: ReconcileReport) {
  return {
    ...report,
    checkedAt: report.checkedAt.toISOString(),
    total: report.mismatches.length,
  };
}

/** "3 orphans, 1 locked…" in one line (status shows it). */
export function reconcileSummary(report: Pick<ReconcileReport, "counts">): string {
  const parts = MISMATCH_KINDS.filter((kind) => report.counts[kind] > 0).map(
    // "in scope in Entra, missing in Apple: 8": only the first letter lowered (Entra and Apple are names)
    (kind) => {
      const title = MISMATCH_WORDS[kind].title;
      return `${title.charAt(0).toLowerCase()}${title.slice(1)}: ${report.counts[kind]}`;
    },
  );
  return parts.length === 0 ? "no mismatch" : parts.join("; ");
}

function reconcileReply(ctx: CommandContext, report: ReconcileReport): Reply {
  const apple = organizationWords(ctx.deps.config.links.organization);
  const total = report.mismatches.length;
  const blocks: ReplyBlock[] = [
    { type: "header", text: `Entra ↔ ${apple.short}: ${total === 0 ? "no mismatch" : `${total} mismatches`}` },
    {
      type: "facts",
      facts: [
        { label: "Entra users in scope", value: String(report.entraInScope) },
        { label: `${apple.short} users`, value: String(report.appleUsers) },
        { label: "Matched", value: String(report.matched) },
        ...MISMATCH_KINDS.map((kind) => ({ label: MISMATCH_WORDS[kind].title, value: String(report.counts[kind]) })),
      ],
    },
  ];
  for (const kind of MISMATCH_KINDS) {
    const found = report.mismatches.filter((m) => m.kind === kind);
    if (found.length === 0) continue;
    blocks.push({ type: "text", text: `**${MISMATCH_WORDS[kind].title}** — ${MISMATCH_WORDS[kind].fix}` });
    blocks.push(
      countedList(
        found.slice(0, EXAMPLES).map((m) => `${plain(m.account)}: ${plain(m.detail)}`),
        found.length,
        EXAMPLES,
      ),
    );
  }
  if (!report.cycleCompleted)
    blocks.push({ type: "context", text: "No sync cycle has completed yet: users missing in Apple are not judged." });
  blocks.push({
    type: "context",
    text: `Checked ${formatTime(report.checkedAt)}. Nothing was changed in ${apple.short}. \`abm reconcile --csv FILE\` exports every line.`,
  });
  return {
    fallbackText: `Entra ↔ ${apple.short}: ${reconcileSummary(report)}`,
    blocks,
    visibility: "private",
    tone: total === 0 ? "success" : "warning",
  };
}
