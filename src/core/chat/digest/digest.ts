import type { Approval } from "../../approvals/approval.js";
import { heldCount } from "../../approvals/approval.js";
import type { ApprovalStore } from "../../approvals/approval-store.js";
import { type AppError, toAppError } from "../../errors.js";
import { organizationWords } from "../../organization.js";
import type { FailureEntry, ProvisioningEngine, RunSummary } from "../../ports/provisioning-engine.js";
import { err, ok, type Result } from "../../result.js";
import { groupFailures } from "../commands/errors.js";
import { type ChatLinks, code, count, plain } from "../format.js";
import type { Reply, ReplyBlock, RunBar } from "../reply.js";
import { type DigestPeriod, type DigestTime, localLabel, zonedInstant } from "./period.js";

/** Where a digest's facts come from: the engine, the approvals, the alert incidents, the token's date. */
export interface DigestSources {
  readonly engine: Pick<ProvisioningEngine, "history" | "failures">;
  readonly approvals: Pick<ApprovalStore, "list">;
  /** when the open alert incident of a failure reason opened; null: none recorded */
  readonly failingSince: (code: string) => Promise<Result<Date | null, AppError>>;
  readonly tokenExpiresAt: Date | null;
}

export interface DigestFailure {
  readonly code: string;
  readonly reason: string;
  readonly users: number;
  /** failing since (the reason's incident opened); null: not recorded */
  readonly since: Date | null;
  /** started failing in this period (or since is unknown) */
  readonly isNew: boolean;
}

export interface DigestApproval {
  readonly id: string;
  readonly status: Approval["status"];
  readonly users: number;
  readonly decidedAt: Date;
  readonly decidedBy: readonly string[];
}

/** Everything one digest says; what `--json` prints and what the message is rendered from. */
export interface DigestData {
  readonly cadence: DigestPeriod["cadence"];
  readonly period: { readonly key: string; readonly start: Date; readonly end: Date; readonly timeZone: string };
  readonly runs: {
    readonly total: number;
    readonly succeeded: number;
    readonly partial: number;
    readonly failed: number;
    readonly held: number;
  };
  readonly users: {
    readonly created: number;
    readonly updated: number;
    readonly deactivated: number;
    readonly deleted: number;
  };
  readonly failures: readonly DigestFailure[];
  readonly approvals: readonly DigestApproval[];
  readonly token: { readonly expiresAt: Date; readonly daysLeft: number } | null;
  /** one bar per hour (daily) or per day (weekly) */
  readonly series: readonly RunBar[];
}

/** Runs read to find a period's (a week of 30-second cycles is 20,160; the cap keeps a digest cheap). */
const RUN_LIMIT = 25_000;
const APPROVAL_LIMIT = 500;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

const within = (at: Date, period: DigestPeriod): boolean =>
  at.getTime() >= period.start.getTime() && at.getTime() < period.end.getTime();

/** The bucket boundaries: every hour (daily) or every local day at the due time (weekly). */
function buckets(period: DigestPeriod, at: DigestTime): { readonly start: Date; readonly label: string }[] {
  const out: { start: Date; label: string }[] = [];
  if (period.cadence === "daily") {
    for (let t = period.start.getTime(); t < period.end.getTime(); t += HOUR_MS) {
      const label = localLabel(new Date(t), at.timeZone, true).split(" ").pop() ?? "";
      out.push({ start: new Date(t), label });
    }
    return out;
  }
  const first = new Date(period.start.getTime());
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: at.timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(first);
  const [year, month, day] = parts.split("-").map(Number);
  for (let i = 0; i < 7; i += 1) {
    const d = new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, (day ?? 1) + i));
    const start = zonedInstant(
      { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() },
      at.hour,
      at.minute,
      at.timeZone,
    );
    if (start.getTime() >= period.end.getTime()) break;
    out.push({ start, label: localLabel(start, at.timeZone, false) });
  }
  return out;
}

function runSeries(runs: readonly RunSummary[], period: DigestPeriod, at: DigestTime): RunBar[] {
  const edges = buckets(period, at);
  const bars = edges.map((edge) => ({ label: edge.label, created: 0, updated: 0, deactivated: 0, failed: 0 }));
  for (const run of runs) {
    let index = -1;
    for (let i = 0; i < edges.length; i += 1)
      if ((edges[i]?.start.getTime() ?? 0) <= run.startedAt.getTime()) index = i;
    const bar = bars[index];
    if (bar === undefined) continue;
    bar.created += run.counts.created + run.counts.adopted;
    bar.updated += run.counts.updated;
    bar.deactivated += run.counts.deactivated + run.counts.deleted;
    bar.failed += run.counts.failed;
  }
  return bars;
}

function summarizeRuns(runs: readonly RunSummary[]): DigestData["runs"] {
  const by = (outcome: RunSummary["outcome"]) => runs.filter((r) => r.outcome === outcome).length;
  return {
    total: runs.length,
    succeeded: by("succeeded"),
    partial: by("partial"),
    failed: by("failed"),
    held: by("held"),
  };
}

function decided(approvals: readonly Approval[], period: DigestPeriod): DigestApproval[] {
  return approvals
    .filter((a) => a.decidedAt !== null && within(a.decidedAt, period))
    .map((a) => ({
      id: a.id,
      status: a.status,
      users: heldCount(a.payload),
      decidedAt: a.decidedAt ?? period.end,
      decidedBy: [...new Set(a.votes.map((v) => v.actorName || v.actorId))],
    }))
    .sort((x, y) => x.decidedAt.getTime() - y.decidedAt.getTime());
}

async function failuresOf(
  failures: readonly FailureEntry[],
  period: DigestPeriod,
  sources: DigestSources,
): Promise<Result<DigestFailure[], AppError>> {
  const out: DigestFailure[] = [];
  for (const group of groupFailures(failures)) {
    const since = await sources.failingSince(group.code);
    if (!since.ok) return since;
    const isNew = since.value === null || since.value.getTime() >= period.start.getTime();
    out.push({ code: group.code, reason: group.reason, users: group.count, since: since.value, isNew });
  }
  return ok(out);
}

/** Reads the period's facts and builds the digest (the clock's `now` only for the token's days). */
export async function composeDigest(
  sources: DigestSources,
  period: DigestPeriod,
  at: DigestTime,
  now: Date,
): Promise<Result<DigestData, AppError>> {
  try {
    const history = await sources.engine.history(RUN_LIMIT);
    if (!history.ok) return history;
    const runs = history.value.filter((run) => within(run.startedAt, period));
    const failing = await sources.engine.failures();
    if (!failing.ok) return failing;
    const failures = await failuresOf(failing.value, period, sources);
    if (!failures.ok) return failures;
    const approvals = await sources.approvals.list(APPROVAL_LIMIT);
    const total = (pick: (r: RunSummary) => number) => runs.reduce((sum, r) => sum + pick(r), 0);
    const expiresAt = sources.tokenExpiresAt;
    return ok({
      cadence: period.cadence,
      period: { key: period.key, start: period.start, end: period.end, timeZone: at.timeZone },
      runs: summarizeRuns(runs),
      users: {
        created: total((r) => r.counts.created + r.counts.adopted),
        updated: total((r) => r.counts.updated),
        deactivated: total((r) => r.counts.deactivated),
        deleted: total((r) => r.counts.deleted),
      },
      failures: failures.value,
      approvals: decided(approvals, period),
      token:
        expiresAt === null ? null : { expiresAt, daysLeft: Math.ceil((expiresAt.getTime() - now.getTime()) / DAY_MS) },
      series: runSeries(runs, period, at),
    });
  } catch (error) {
    return err(toAppError(error, "alerts.unexpected"));
  }
}

function barText(bar: RunBar): string {
  return `${bar.label}: +${bar.created} created, ${bar.updated} updated, ${bar.deactivated} deactivated, ${bar.failed} failed`;
}

/** The digest as one channel message (with the home screen's run chart). */
export function renderDigest(data: DigestData, links: ChatLinks): Reply {
  const apple = organizationWords(links.organization);
  const tz = data.period.timeZone;
  const span = `${localLabel(data.period.start, tz, true)} – ${localLabel(data.period.end, tz, true)} (${tz})`;
  const title = `${data.cadence === "daily" ? "Daily" : "Weekly"} ${apple.short} sync digest`;
  const r = data.runs;
  const u = data.users;
  const facts = [
    {
      label: "Runs",
      value: `${r.total} (${r.succeeded} succeeded, ${r.partial} partial, ${r.failed} failed, ${r.held} held)`,
    },
    {
      label: "Users",
      value: `${u.created} created, ${u.updated} updated, ${u.deactivated} deactivated, ${u.deleted} deleted`,
    },
    {
      label: "Token",
      value:
        data.token === null
          ? "expiry not configured (`ABM_SCIM_TOKEN_EXPIRES`)"
          : data.token.daysLeft <= 0
            ? "**expired**"
            : `${count(data.token.daysLeft, "day")} left`,
    },
  ];
  const blocks: ReplyBlock[] = [
    { type: "header", text: title },
    { type: "context", text: span },
    { type: "facts", facts },
  ];
  const fresh = data.failures.filter((f) => f.isNew);
  const still = data.failures.filter((f) => !f.isNew);
  const failureLine = (f: DigestFailure) => `${count(f.users, "user")}: ${plain(f.reason)} (${code(f.code)})`;
  if (data.failures.length === 0) blocks.push({ type: "text", text: "No user is failing to sync." });
  if (fresh.length > 0)
    blocks.push({ type: "list", title: "New failures", items: fresh.map(failureLine), total: fresh.length });
  if (still.length > 0)
    blocks.push({ type: "list", title: "Still failing", items: still.map(failureLine), total: still.length });
  if (data.approvals.length > 0) {
    const items = data.approvals.map(
      (a) =>
        `${code(a.id)} ${a.status} (${count(a.users, "user")}) by ${a.decidedBy.map(plain).join(", ") || "nobody"}`,
    );
    blocks.push({ type: "list", title: "Approvals decided", items, total: items.length });
  }
  const active = data.series.filter((b) => b.created + b.updated + b.deactivated + b.failed > 0);
  if (active.length === 0) blocks.push({ type: "context", text: "No run changed a user in this period." });
  else {
    // the home screen's chart (an image in Slack and Teams, text in the CLI), then the same bars as words
    blocks.push({
      type: "chart",
      title: `Users changed per ${data.cadence === "daily" ? "hour" : "day"}`,
      runs: data.series,
    });
    blocks.push({
      type: "list",
      title: "Runs with changes",
      items: active.slice(0, 24).map(barText),
      total: active.length,
    });
  }
  const fallback = `${title}, ${span}: ${r.total} runs; ${u.created} created, ${u.updated} updated, ${u.deactivated} deactivated; ${data.failures.reduce((n, f) => n + f.users, 0)} users failing.`;
  const tone = data.token !== null && data.token.daysLeft <= 7 ? "warning" : fresh.length > 0 ? "warning" : "info";
  return { fallbackText: fallback, blocks, visibility: "channel", tone };
}
