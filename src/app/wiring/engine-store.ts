import type { EngineStore } from "#core/engine/engine-store.js";
import type { AppError } from "#core/errors.js";
import type { Result } from "#core/result.js";
import type { Repositories } from "#db/repositories/create-repositories.js";

/** The database repositories the native engine's store is made of. */
type EngineRepositories = Pick<Repositories, "connections" | "runs" | "operations" | "links" | "watermarks" | "leases">;

const DELTA_WATERMARK = "users.delta";

/** Unwraps a store Result: the engine treats database failures as exceptions that fail the run. */
async function must<T>(result: Promise<Result<T, AppError>>): Promise<T> {
  const r = await result;
  if (!r.ok) throw r.error;
  return r.value;
}

export function createEngineStore(repos: EngineRepositories, connectionId: string, now: () => Date): EngineStore {
  return {
    async settings() {
      const c = await must(repos.connections.get(connectionId));
      if (c === null) throw new Error(`connection ${connectionId} is missing`);
      return {
        scope: c.scope,
        paused: c.paused,
        quarantine: c.quarantine,
        needsFullCycle: c.needsFullCycle,
        rejectedRemovals: c.rejectedRemovals,
      };
    },
    async updateSettings(patch) {
      await must(
        repos.connections.update(
          connectionId,
          {
            ...(patch.scope === undefined ? {} : { scope: patch.scope }),
            ...(patch.paused === undefined ? {} : { paused: patch.paused }),
            ...(patch.quarantine === undefined ? {} : { quarantine: patch.quarantine }),
            ...(patch.needsFullCycle === undefined ? {} : { needsFullCycle: patch.needsFullCycle }),
            ...(patch.rejectedRemovals === undefined
              ? {}
              : { rejectedRemovals: patch.rejectedRemovals, deletionsRejected: patch.rejectedRemovals.length > 0 }),
          },
          now(),
        ),
      );
    },
    acquireLease: (name, holder, ttlMs, at) =>
      must(repos.leases.acquire({ connectionId, name, holder, ttlMs, now: at })),
    async releaseLease(name, holder) {
      await must(repos.leases.release({ connectionId, name, holder }));
    },
    async startRun(run) {
      await must(repos.runs.start({ ...run, connectionId }));
    },
    async finishRun(id, end) {
      await must(repos.runs.finish(id, { ...end, outcome: end.outcome === "running" ? "failed" : end.outcome }));
    },
    failInterruptedRuns: (at, exceptRunId) =>
      must(
        repos.runs.failInterrupted({
          connectionId,
          now: at,
          exceptRunId,
          error: {
            code: "engine.interrupted",
            message: "The process running this cycle stopped before it finished; the next cycle re-matches ABM.",
          },
        }),
      ),
    runs: (limit) => must(repos.runs.list(connectionId, limit)),
    lastSuccessfulRun: () => must(repos.runs.lastSuccessful(connectionId)),
    async journal(runId, entries) {
      await must(repos.operations.journal({ connectionId, runId, now: now(), entries }));
    },
    async completeJournal(runId, completions) {
      await must(
        repos.operations.update({
          runId,
          now: now(),
          updates: completions.map((c) => ({
            id: c.id,
            status: c.status,
            errorCode: c.errorCode,
            errorMessage: c.errorMessage,
          })),
        }),
      );
    },
    links: () => must(repos.links.list(connectionId)),
    linksFor: (ids) => must(repos.links.getMany(connectionId, ids)),
    linksForUserNames: (names) => must(repos.links.getManyByUserName(connectionId, names)),
    linkCount: () => must(repos.links.count(connectionId)),
    async saveLinks(links) {
      await must(repos.links.upsertMany(connectionId, links, now()));
    },
    async removeLinks(ids) {
      await must(repos.links.remove(connectionId, ids));
    },
    async clearLinks() {
      await must(repos.links.clear(connectionId));
    },
    async recordFailures(failures) {
      await must(repos.links.recordFailures(connectionId, failures));
    },
    async clearFailures(ids) {
      await must(repos.links.clearFailures(connectionId, ids));
    },
    async clearAllFailures() {
      await must(repos.links.clearAllFailures(connectionId));
    },
    failures: () => must(repos.links.failures(connectionId)),
    failureCount: () => must(repos.links.failureCount(connectionId)),
    dueRetries: (at, limit) => must(repos.links.dueRetries(connectionId, at, limit)),
    watermark: () => must(repos.watermarks.get(connectionId, DELTA_WATERMARK)),
    async setWatermark(value) {
      await must(repos.watermarks.set(connectionId, DELTA_WATERMARK, value, now()));
    },
    async clearWatermark() {
      await must(repos.watermarks.clear(connectionId, DELTA_WATERMARK));
    },
  };
}
