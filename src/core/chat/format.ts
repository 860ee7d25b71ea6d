import { type AppleOrganization, organizationWords } from "../organization.js";
import type { Actor, RunCounts, RunSummary } from "../ports/provisioning-engine.js";
import type { ChatActor } from "./ports.js";
import type { Link, ReplyBlock } from "./reply.js";

/** Small formatting helpers shared by the command replies, approvals and alerts. */
export interface ChatLinks {
  /** Entra admin center → Enterprise apps → Apple Business Manager → Provisioning */
  readonly entraProvisioningUrl?: string;
  /** which Apple portal the connection syncs into: its name in messages and its deep links */
  readonly organization: AppleOrganization;
}

export function formatTime(date: Date | null): string {
  if (date === null || Number.isNaN(date.getTime())) return "—";
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

/** `1 user`, `2 users`; `plural` defaults to `singular + "s"`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

export function formatCounts(counts: RunCounts): string {
  const parts: string[] = [];
  const add = (n: number, label: string): void => {
    if (n > 0) parts.push(`${n} ${label}`);
  };
  add(counts.created, "created");
  add(counts.adopted, "adopted");
  add(counts.updated, "updated");
  add(counts.deactivated, "deactivated");
  add(counts.deleted, "deleted");
  add(counts.skipped, "skipped");
  add(counts.failed, "failed");
  add(counts.held, "held");
  return parts.length === 0 ? "no changes" : parts.join(", ");
}

export function formatRun(run: RunSummary): string {
  const took = run.finishedAt === null ? "running" : formatDuration(run.finishedAt.getTime() - run.startedAt.getTime());
  return `\`${run.id}\` ${run.kind} (${run.trigger}) — **${run.outcome}** — ${formatTime(run.startedAt)}, ${took} — ${formatCounts(run.counts)}`;
}

/** Inline code that cannot be broken by the value itself. */
export function code(value: string): string {
  return `\`${value.replace(/`/g, "'")}\``;
}

/** User-supplied text inside neutral markup: drop the characters the markup interprets. */
export function plain(value: string): string {
  return value.replace(/[`*[\]]/g, "");
}

export function actorName(actor: ChatActor): string {
  return actor.displayName ?? actor.email ?? actor.id;
}

export function engineActor(actor: ChatActor): Actor {
  return {
    id: actor.id,
    platform: actor.platform,
    ...(actor.displayName === undefined ? {} : { displayName: actor.displayName }),
    ...(actor.email === undefined ? {} : { email: actor.email }),
  };
}

export type LinkKind = "entra" | "directorySync" | "activity";

export function linksBlock(links: ChatLinks, kinds: readonly LinkKind[]): ReplyBlock[] {
  const out: Link[] = [];
  for (const kind of kinds) {
    if (kind === "entra" && links.entraProvisioningUrl !== undefined) {
      out.push({ label: "Entra provisioning", url: links.entraProvisioningUrl });
    } else if (kind === "directorySync") {
      const apple = organizationWords(links.organization);
      out.push({ label: `${apple.short} Directory Sync`, url: apple.directorySyncUrl });
    } else if (kind === "activity") {
      const apple = organizationWords(links.organization);
      out.push({ label: `${apple.short} Activity`, url: apple.activityUrl });
    }
  }
  return out.length === 0 ? [] : [{ type: "links", links: out }];
}

/** A list block showing the first `limit` of `items` out of `total` (which may exceed items.length). */
export function countedList(items: readonly string[], total: number, limit: number, title?: string): ReplyBlock {
  const shown = items.slice(0, Math.max(0, limit));
  const count = Math.max(total, items.length);
  return title === undefined
    ? { type: "list", items: shown, total: count }
    : { type: "list", title, items: shown, total: count };
}
