import { approvalData, heldCount } from "../../approvals/approval.js";
import { organizationWords } from "../../organization.js";
import type { EngineStatus } from "../../ports/provisioning-engine.js";
import type { ScimClientStatus } from "../../ports/scim-target.js";
import { type Answer, type CommandContext, failedAnswer, succeeded } from "../context.js";
import { code, formatCounts, formatTime, linksBlock, plain } from "../format.js";
import type { Fact, Reply, ReplyBlock } from "../reply.js";
import { reconcileSummary } from "./reconcile.js";

const STATE_WORDS: Readonly<Record<EngineStatus["state"], string>> = {
  idle: "Idle",
  running: "Running",
  paused: "Paused",
  awaiting_approval: "Waiting for deletion approval",
  deletions_rejected: "Deletions rejected",
  quarantined: "Quarantined",
  not_configured: "Not configured",
};

function tone(status: EngineStatus): Reply["tone"] {
  if (status.state === "quarantined" || status.lastRun?.outcome === "failed") return "danger";
  if (status.state === "awaiting_approval" || status.paused || status.failingUsers > 0) return "warning";
  return status.lastRun === null ? "info" : "success";
}

/** e.g. "8 of 8 at once, 0 answered 429" or "5 of 8 at once, paced to 190/s, 12 answered 429, 1 answered 5xx" (since start) */
function scimClientText(client: ScimClientStatus): string {
  const parts = [`${client.concurrencyLimit} of ${client.concurrencyMax} at once`];
  if (client.pacedPerSecond !== null) parts.push(`paced to ${Math.round(client.pacedPerSecond)}/s`);
  parts.push(`${client.rateLimited} answered 429`);
  if (client.serverErrors > 0) parts.push(`${client.serverErrors} answered 5xx`);
  return parts.join(", ");
}

function renderStatus(status: EngineStatus, ctx: CommandContext): Reply {
  const apple = organizationWords(ctx.deps.config.links.organization);
  const facts: Fact[] = [
    { label: "State", value: STATE_WORDS[status.state] },
    { label: "Engine", value: status.engine },
    { label: "Scope", value: status.scope === "all" ? "all users" : "assigned users and groups" },
    {
      label: "Last run",
      value:
        status.lastRun === null
          ? "never"
          : `${status.lastRun.outcome} at ${formatTime(status.lastRun.startedAt)} — ${formatCounts(status.lastRun.counts)}`,
    },
    { label: "Last success", value: formatTime(status.lastSuccessfulRun?.finishedAt ?? null) },
    { label: "Next run", value: status.paused ? "paused" : formatTime(status.nextRunAt) },
    { label: "Linked users", value: status.linkedUsers === null ? "—" : String(status.linkedUsers) },
    { label: "Failing users", value: String(status.failingUsers) },
  ];
  if (status.tokenExpiresAt !== null)
    facts.push({ label: `${apple.short} token expires`, value: formatTime(status.tokenExpiresAt) });
  if (status.scimClient !== undefined)
    facts.push({ label: `${apple.short} requests`, value: scimClientText(status.scimClient) });
  const reconciled = ctx.deps.reconciler?.last() ?? null;
  if (reconciled !== null)
    facts.push({
      label: "Reconcile",
      value: `${formatTime(reconciled.checkedAt)} — ${reconcileSummary(reconciled)}`,
    });
  const blocks: ReplyBlock[] = [
    { type: "header", text: `${apple.short} sync: ${STATE_WORDS[status.state]}` },
    { type: "facts", facts },
  ];
  if (status.quarantine !== null) {
    const next =
      status.quarantine.nextAttemptAt === null ? "" : ` Next attempt ${formatTime(status.quarantine.nextAttemptAt)}.`;
    blocks.push({
      type: "text",
      text: `**Quarantined** since ${formatTime(status.quarantine.since)}: ${plain(status.quarantine.reason)}.${next}`,
    });
  }
  if (status.pendingApproval !== null) {
    blocks.push({
      type: "text",
      text: `**${heldCount(status.pendingApproval.payload)} deletions** are held for approval ${code(status.pendingApproval.id)} — see \`approvals\`.`,
    });
  }
  if (status.lastRun?.error != null) {
    blocks.push({
      type: "text",
      text: `Last run error: ${plain(status.lastRun.error.message)} (${code(status.lastRun.error.code)})`,
    });
  }
  if (status.failingUsers > 0)
    blocks.push({ type: "context", text: "Run `errors` to see why users fail and how to fix it." });
  for (const note of status.notes.slice(0, 5)) blocks.push({ type: "context", text: plain(note) });
  if ((ctx.deps.reconciler ?? null) === null)
    blocks.push({
      type: "context",
      text: `${apple.short}'s own users and audit events: off. Set APPLE_API_CLIENT_ID, APPLE_API_KEY_ID and APPLE_API_PRIVATE_KEY to turn on \`reconcile\`.`,
    });
  blocks.push(...linksBlock(ctx.deps.config.links, ["entra", "directorySync", "activity"]));
  return {
    fallbackText: `${apple.short} sync: ${STATE_WORDS[status.state]}, ${status.failingUsers} failing users`,
    blocks,
    visibility: "private",
    tone: tone(status),
  };
}

export async function statusCommand(ctx: CommandContext): Promise<Answer> {
  const status = await ctx.deps.engine.status();
  if (!status.ok) return failedAnswer("Reading the status", status.error);
  const { pendingApproval, ...rest } = status.value;
  const data = {
    status: {
      ...rest,
      pendingApproval: pendingApproval === null ? null : approvalData(pendingApproval, ctx.deps.clock.now()),
    },
  };
  const reconciled = ctx.deps.reconciler?.last() ?? null;
  const apple = {
    enabled: (ctx.deps.reconciler ?? null) !== null,
    lastReconcile:
      reconciled === null ? null : { checkedAt: reconciled.checkedAt.toISOString(), counts: reconciled.counts },
  };
  return succeeded({ ...data, apple }, [renderStatus(status.value, ctx)]);
}
