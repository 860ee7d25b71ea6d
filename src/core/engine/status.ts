import type { ConnectionState, EngineStatus } from "../ports/provisioning-engine.js";
import type { EngineContext } from "./context.js";

export async function computeStatus(ctx: EngineContext): Promise<EngineStatus> {
  const { store } = ctx;
  const settings = await store.settings();
  const runs = await store.runs(1);
  const lastRun = runs[0] ?? null;
  const lastSuccessfulRun = await store.lastSuccessfulRun();
  const pending = await ctx.approvals.pending();
  const state: ConnectionState = settings.paused
    ? "paused"
    : settings.quarantine !== null
      ? "quarantined"
      : pending !== null
        ? "awaiting_approval"
        : settings.rejectedRemovals.length > 0
          ? "deletions_rejected"
          : lastRun?.outcome === "running"
            ? "running"
            : "idle";
  const nextRunAt = settings.paused
    ? null
    : settings.quarantine !== null
      ? settings.quarantine.nextAttemptAt
      : lastRun === null
        ? ctx.clock.now()
        : new Date(lastRun.startedAt.getTime() + ctx.intervalMs);
  const notes: string[] = [];
  if (settings.rejectedRemovals.length > 0) {
    notes.push(
      `${settings.rejectedRemovals.length} removals were rejected and are kept active until an operator restarts the sync or fixes the scope.`,
    );
  }
  if (settings.needsFullCycle) notes.push("The next cycle reads everything and re-matches ABM.");
  return {
    engine: "native",
    state,
    scope: settings.scope,
    paused: settings.paused,
    quarantine:
      settings.quarantine === null
        ? null
        : {
            reason: settings.quarantine.reason,
            since: settings.quarantine.since,
            nextAttemptAt: settings.quarantine.nextAttemptAt,
          },
    lastRun,
    lastSuccessfulRun,
    nextRunAt,
    linkedUsers: await store.linkCount(),
    failingUsers: await store.failureCount(),
    pendingApproval: pending,
    tokenExpiresAt: ctx.tokenExpiresAt,
    notes,
  };
}
