import { approvalData, heldCount } from "../../approvals/approval.js";
import type { AppError } from "../../errors.js";
import { organizationWords } from "../../organization.js";
import type { EngineStatus } from "../../ports/provisioning-engine.js";
import type { ScimClientStatus } from "../../ports/scim-target.js";
import type { Result } from "../../result.js";
import { type Answer, type CommandContext, failedAnswer, succeeded } from "../context.js";
import { code, formatCounts, formatTime, linksBlock, plain } from "../format.js";
import type { Fact, Reply, ReplyBlock } from "../reply.js";
import { type LastReconcile, lastReconcileData, lastReconcileFact, readLastReconcile } from "./last-reconcile.js";

const STATE_WORDS: Readonly<Record<EngineStatus["state"], string>> = {
  idle: "Idle",
  running: "Running",
  paused: "Paused",
  awaiting_approval: "Waiting for deletion approval",
  deletions_rejected: "Deletions rejected",
  quarantined: "Quarantined",
  not_configured: "Not configured",
};

export function statusTone(status: EngineStatus): Reply["tone"] {
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

const DAY_MS = 86_400_000;

/** Whole days until the token expires (negative once it has), or null when its expiry is unknown. */
export function tokenDaysLeft(status: EngineStatus, now: Date): number | null {
  if (status.tokenExpiresAt === null) return null;
  return Math.floor((status.tokenExpiresAt.getTime() - now.getTime()) / DAY_MS);
}

function tokenText(expiresAt: Date, days: number): string {
  if (days < 0) return `${formatTime(expiresAt)} — expired`;
  return `${formatTime(expiresAt)} (${days === 1 ? "1 day" : `${days} days`} left)`;
}

/** The status facts: state, engine, scope, last/next run, counts, token expiry, SCIM client. */
export function statusFacts(status: EngineStatus, ctx: CommandContext): Fact[] {
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
  const days = tokenDaysLeft(status, ctx.deps.clock.now());
  if (status.tokenExpiresAt !== null && days !== null)
    facts.push({ label: `${apple.short} token expires`, value: tokenText(status.tokenExpiresAt, days) });
  if (status.scimClient !== undefined)
    facts.push({ label: `${apple.short} requests`, value: scimClientText(status.scimClient) });
  return facts;
}

/** The status header, e.g. "ABM sync: Idle". */
export function statusHeader(status: EngineStatus, ctx: CommandContext): string {
  return `${organizationWords(ctx.deps.config.links.organization).short} sync: ${STATE_WORDS[status.state]}`;
}

/** The quarantine, in words (null when there is none). */
export function quarantineBlock(status: EngineStatus): ReplyBlock | null {
  if (status.quarantine === null) return null;
  const next =
    status.quarantine.nextAttemptAt === null ? "" : ` Next attempt ${formatTime(status.quarantine.nextAttemptAt)}.`;
  return {
    type: "text",
    text: `**Quarantined** since ${formatTime(status.quarantine.since)}: ${plain(status.quarantine.reason)}.${next}`,
  };
}

/** The last run's error, in words (null when it had none). */
export function lastErrorBlock(status: EngineStatus): ReplyBlock | null {
  const error = status.lastRun?.error;
  if (error == null) return null;
  return { type: "text", text: `Last run error: ${plain(error.message)} (${code(error.code)})` };
}

/** How far the Apple audit poll got: null when the Apple side is off. */
type AuditRead = Result<Date | null, AppError> | null;

function auditFact(read: AuditRead): Fact | null {
  if (read === null) return null;
  const value = !read.ok
    ? `unavailable: ${plain(read.error.message)} (${code(read.error.code)})`
    : read.value === null
      ? "not read yet (the service reads it when it starts, then as often as it syncs, every 5 min at most)"
      : `read up to ${formatTime(read.value)}; \`alerts here apple\` to receive its alerts`;
  return { label: "Audit log", value };
}

function renderStatus(status: EngineStatus, reconciled: LastReconcile, audit: AuditRead, ctx: CommandContext): Reply {
  const apple = organizationWords(ctx.deps.config.links.organization);
  const facts = statusFacts(status, ctx);
  const reconcileFact = lastReconcileFact(reconciled);
  if (reconcileFact !== null) facts.push(reconcileFact);
  const audited = auditFact(audit);
  if (audited !== null) facts.push(audited);
  const blocks: ReplyBlock[] = [
    { type: "header", text: statusHeader(status, ctx) },
    { type: "facts", facts },
  ];
  const quarantine = quarantineBlock(status);
  if (quarantine !== null) blocks.push(quarantine);
  if (status.pendingApproval !== null) {
    blocks.push({
      type: "text",
      text: `**${heldCount(status.pendingApproval.payload)} deletions** are held for approval ${code(status.pendingApproval.id)} — see \`approvals\`.`,
    });
  }
  const lastError = lastErrorBlock(status);
  if (lastError !== null) blocks.push(lastError);
  if (status.failingUsers > 0)
    blocks.push({ type: "context", text: "Run `errors` to see why users fail and how to fix it." });
  for (const note of status.notes.slice(0, 5)) blocks.push({ type: "context", text: plain(note) });
  if (!reconciled.enabled)
    blocks.push({
      type: "context",
      text: `${apple.short}'s own users and audit events: off. Set APPLE_API_CLIENT_ID, APPLE_API_KEY_ID and APPLE_API_PRIVATE_KEY to turn on \`reconcile\` and audit log alerts.`,
    });
  blocks.push(...linksBlock(ctx.deps.config.links, ["entra", "directorySync", "activity"]));
  return {
    fallbackText: `${apple.short} sync: ${STATE_WORDS[status.state]}, ${status.failingUsers} failing users`,
    blocks,
    visibility: "private",
    tone: statusTone(status),
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
  const reconciled = await readLastReconcile(ctx);
  const cursor = ctx.deps.auditCursor ?? null;
  const audit: AuditRead = cursor === null ? null : await cursor.read();
  const auditReadUntil = audit?.ok === true ? (audit.value?.toISOString() ?? null) : null;
  return succeeded({ ...data, apple: { ...lastReconcileData(reconciled), auditReadUntil } }, [
    renderStatus(status.value, reconciled, audit, ctx),
  ]);
}
