import type { Approval } from "#core/approvals/approval.js";
import type { DigestSources } from "#core/chat/digest/digest.js";
import type { DigestTime } from "#core/chat/digest/period.js";
import type { FailureEntry, RunSummary } from "#core/ports/provisioning-engine.js";
import { ok } from "#core/result.js";
import { heldRemoval, nativeBatch, pendingApproval } from "#test/support/approvals.js";
import { ZERO } from "#test/support/chat/in-memory-engine.js";

/**
 * One week of a connection's history, around the weekly digest due Monday 2026-11-30 08:00 Berlin
 * (07:00Z, covering 2026-11-23 07:00Z – 2026-11-30 07:00Z): runs in and before the week, users
 * failing for a reason new this week and one failing for weeks, approvals decided in and before it.
 */
export const DIGEST_AT: DigestTime = { hour: 8, minute: 0, timeZone: "Europe/Berlin" };
export const WEEK_END = new Date("2026-11-30T07:00:00Z");

function run(id: string, startedAt: string, outcome: RunSummary["outcome"], counts: Partial<RunSummary["counts"]>) {
  const start = new Date(startedAt);
  const summary: RunSummary = {
    id,
    kind: "incremental",
    trigger: "schedule",
    actor: "system",
    startedAt: start,
    finishedAt: new Date(start.getTime() + 40_000),
    outcome,
    counts: { ...ZERO, ...counts },
    error: outcome === "failed" ? { code: "graph.unavailable", message: "Graph is down" } : null,
  };
  return summary;
}

const RUNS: readonly RunSummary[] = [
  run("run_6", "2026-11-30T07:20:00Z", "succeeded", { created: 50 }),
  run("run_5", "2026-11-28T10:00:00Z", "held", { held: 12 }),
  run("run_4", "2026-11-27T08:00:00Z", "failed", {}),
  run("run_3", "2026-11-26T13:00:00Z", "partial", { updated: 4, failed: 2 }),
  run("run_2", "2026-11-24T09:15:00Z", "succeeded", { created: 5, adopted: 1, updated: 2, deactivated: 1 }),
  run("run_1", "2026-11-20T09:00:00Z", "succeeded", { created: 99 }),
];

function failure(i: number, code: string, reason: string): FailureEntry {
  return {
    entraId: `id-${i}`,
    userName: `user${i}@contoso.com`,
    action: "create",
    code,
    reason,
    fix: "see errors",
    attempts: 3,
    lastAttemptAt: new Date("2026-11-29T10:00:00Z"),
    nextRetryAt: null,
  };
}

const FAILURES: readonly FailureEntry[] = [
  failure(1, "validation.missing_given_name", "Missing given name"),
  failure(2, "validation.missing_given_name", "Missing given name"),
  failure(3, "scim.uniqueness", "A personal Apple Account already uses this address"),
];

/** when each reason's alert incident opened: one this week, one weeks ago */
const FAILING_SINCE: Readonly<Record<string, Date>> = {
  "validation.missing_given_name": new Date("2026-11-26T13:00:40Z"),
  "scim.uniqueness": new Date("2026-11-02T09:00:00Z"),
};

const vote = (actorName: string, at: string) =>
  ({ actorId: `U-${actorName}`, actorName, platform: "slack", decision: "approve", at: new Date(at) }) as const;

const APPROVALS: readonly Approval[] = [
  pendingApproval(nativeBatch([heldRemoval(9)]), { id: "apr_open" }),
  pendingApproval(nativeBatch(Array.from({ length: 12 }, (_, i) => heldRemoval(i))), {
    id: "apr_week",
    status: "applied",
    requiredApprovals: 2,
    votes: [vote("Ada Approver", "2026-11-28T10:30:00Z"), vote("Bob Approver", "2026-11-28T11:00:00Z")],
    decidedAt: new Date("2026-11-28T11:00:00Z"),
  }),
  pendingApproval(nativeBatch([heldRemoval(1)]), {
    id: "apr_old",
    status: "rejected",
    votes: [vote("Ada Approver", "2026-11-01T10:00:00Z")],
    decidedAt: new Date("2026-11-01T10:00:00Z"),
  }),
];

/** The history as a digest reads it; `calls` counts the reads. */
export function seededHistory(tokenExpiresAt: Date | null = new Date("2027-01-15T00:00:00Z")) {
  const calls = { history: 0, failures: 0 };
  const sources: DigestSources = {
    engine: {
      history: async (limit) => {
        calls.history += 1;
        return ok(RUNS.slice(0, limit));
      },
      failures: async () => {
        calls.failures += 1;
        return ok(FAILURES);
      },
    },
    approvals: { list: async (limit) => APPROVALS.slice(0, limit) },
    failingSince: async (code) => ok(FAILING_SINCE[code] ?? null),
    tokenExpiresAt,
  };
  return { sources, calls };
}
