import { approvalData, heldCount } from "../../approvals/approval.js";
import type { AppError } from "../../errors.js";
import { organizationWords } from "../../organization.js";
import type { EngineStatus, FailureEntry, RunSummary } from "../../ports/provisioning-engine.js";
import type { Result } from "../../result.js";
import { renderApprovalMessage } from "../approval-message.js";
import { runBars } from "../chart.js";
import { type Answer, type CommandContext, failedAnswer, succeeded } from "../context.js";
import { code, count, formatTime, linksBlock, plain } from "../format.js";
import type { Reply, ReplyBlock } from "../reply.js";
import type { Role } from "../roles.js";
import { groupFailures } from "./errors.js";
import { lastReconcileBlock, lastReconcileData, readLastReconcile } from "./last-reconcile.js";
import { lastErrorBlock, quarantineBlock, statusFacts, statusHeader, statusTone, tokenDaysLeft } from "./status.js";

/**
 * `home`: the home screen (Slack App Home, the Teams personal chat). One reply built from the
 * status, history and errors parts: the state and counts, the last runs as a chart, the failing
 * users by reason, and the held deletion batch — its users for viewers, its buttons for approvers
 * (the approval message itself). It is a live reply: opening it renders it again (`refresh`).
 */
export const HOME_ACTIONS = { refresh: "home.refresh" } as const;

/** runs in the chart */
const HOME_RUNS = 10;
const REASONS_SHOWN = 5;

function failuresBlocks(failures: Result<readonly FailureEntry[], AppError>): ReplyBlock[] {
  if (!failures.ok) return [{ type: "context", text: `Failing users unavailable: ${plain(failures.error.message)}` }];
  if (failures.value.length === 0) return [{ type: "context", text: "No failing users." }];
  const groups = groupFailures(failures.value, 0);
  const items = groups.map((g) => `**${plain(g.reason)}** ${code(g.code)} — ${count(g.count, "user")}`);
  return [
    {
      type: "list",
      title: `Failing users by reason (${failures.value.length})`,
      items: items.slice(0, REASONS_SHOWN),
      total: items.length,
    },
    { type: "context", text: "`errors` lists the users and how to fix each reason." },
  ];
}

function runsBlocks(runs: Result<readonly RunSummary[], AppError>): ReplyBlock[] {
  if (!runs.ok) return [{ type: "context", text: `Recent runs unavailable: ${plain(runs.error.message)}` }];
  if (runs.value.length === 0) return [{ type: "context", text: "No sync runs yet." }];
  const bars = runBars(runs.value);
  return [{ type: "chart", title: `Last ${count(bars.length, "run")}`, runs: bars }];
}

/** The held batch: the approval message for viewers (buttons only for approvers), a count for anyone else. */
function heldBlocks(ctx: CommandContext, status: EngineStatus, roles: ReadonlySet<Role>): ReplyBlock[] {
  const record = status.pendingApproval;
  if (record === null) return [];
  if (!roles.has("viewer")) {
    return [
      {
        type: "text",
        text: `**${count(heldCount(record.payload), "deactivation")}** held for approval ${code(record.id)}. Viewers (\`ABM_VIEWERS\`) see who.`,
      },
    ];
  }
  const message = renderApprovalMessage(record, ctx.deps.clock.now(), ctx.deps.config.links);
  const blocks = message.blocks.filter(
    (block) => block.type !== "links" && (block.type !== "actions" || roles.has("approver")),
  );
  if (!roles.has("approver") && message.blocks.some((block) => block.type === "actions")) {
    blocks.push({ type: "context", text: "Approvers (`ABM_APPROVERS`) approve or reject it here." });
  }
  return [{ type: "divider" }, ...blocks];
}

export async function homeCommand(ctx: CommandContext): Promise<Answer> {
  const { engine } = ctx.deps;
  const [status, runs, failures, roles, reconciled] = await Promise.all([
    engine.status(),
    engine.history(HOME_RUNS),
    engine.failures(),
    ctx.deps.roles.rolesOf(ctx.actor),
    readLastReconcile(ctx),
  ]);
  if (!status.ok) return failedAnswer("Reading the status", status.error);
  const now = ctx.deps.clock.now();
  const s = status.value;
  const apple = organizationWords(ctx.deps.config.links.organization);
  const facts = statusFacts(s, ctx);
  if (s.tokenExpiresAt === null)
    facts.push({ label: `${apple.short} token expires`, value: "not known (set `ABM_SCIM_TOKEN_EXPIRES`)" });
  const blocks: ReplyBlock[] = [
    { type: "header", text: statusHeader(s, ctx) },
    { type: "facts", facts },
  ];
  for (const block of [quarantineBlock(s), lastErrorBlock(s), lastReconcileBlock(reconciled, ctx)])
    if (block !== null) blocks.push(block);
  blocks.push(...runsBlocks(runs), ...failuresBlocks(failures), ...heldBlocks(ctx, s, roles));
  blocks.push(
    { type: "context", text: `Updated ${formatTime(now)}; rendered again each time you open it.` },
    ...linksBlock(ctx.deps.config.links, ["entra", "directorySync", "activity"]),
  );
  const reply: Reply = {
    fallbackText: `Home — ${statusHeader(s, ctx)}, ${s.failingUsers} failing users`,
    blocks,
    visibility: "private",
    tone: statusTone(s),
    refresh: { actionId: HOME_ACTIONS.refresh, value: "" },
  };
  const { pendingApproval, ...rest } = s;
  const data = {
    home: {
      status: rest,
      tokenDaysLeft: tokenDaysLeft(s, now),
      runs: runs.ok ? runBars(runs.value) : null,
      failures: failures.ok
        ? groupFailures(failures.value, 0).map(({ code: c, reason, fix, count: n }) => ({
            code: c,
            reason,
            fix,
            count: n,
          }))
        : null,
      pendingApproval:
        pendingApproval === null
          ? null
          : roles.has("viewer")
            ? approvalData(pendingApproval, now)
            : { id: pendingApproval.id, users: heldCount(pendingApproval.payload) },
      canApprove: roles.has("approver"),
      apple: lastReconcileData(reconciled),
    },
  };
  return succeeded(data, [reply]);
}
