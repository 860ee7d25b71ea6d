import type { EngineStore } from "#core/engine/engine-store.js";
import type { Database } from "../database.js";
import { connectionSettings, updateSettings } from "./connection-repository.js";
import { attemptOrThrow } from "./db-error.js";
import { connectionLeases } from "./lease-repository.js";
import { clearFailures, connectionLinks, recordFailures, removeLinks, saveLinks } from "./link-repository.js";
import { completeOperations, journalOperations, lastOperation } from "./operation-repository.js";
import { connectionRuns } from "./run-repository.js";
import { deleteWatermark, readWatermark, writeWatermark } from "./watermark-repository.js";

/** the native engine's Graph delta link */
const DELTA_WATERMARK = "users.delta";

/**
 * The native engine's store for ONE connection: every statement filters on the connection in SQL,
 * and a use case that writes several tables (a batch of outcomes, the end of a cycle, a restart)
 * writes them in one transaction. Failures reject with a `db.*` AppError.
 */
export function createEngineStore(db: Database, connectionId: string, now: () => Date): EngineStore {
  return {
    ...connectionSettings(db, connectionId, now),
    ...connectionLeases(db, connectionId),
    ...connectionRuns(db, connectionId),
    ...connectionLinks(db, connectionId),
    journal: (runId, entries) =>
      attemptOrThrow("journal operations", async () => {
        await journalOperations(db, connectionId, runId, entries, now());
      }),
    recordOutcomes: (runId, batch) =>
      attemptOrThrow("record outcomes", () =>
        db.transaction(async (tx) => {
          const at = now();
          // removals first: an adopt may take over the ABM user of a link it replaces (unique SCIM id)
          if (batch.removedLinks.length > 0) await removeLinks(tx, connectionId, batch.removedLinks);
          if (batch.links.length > 0) await saveLinks(tx, connectionId, batch.links, at);
          if (batch.clearedFailures.length > 0) await clearFailures(tx, connectionId, batch.clearedFailures);
          if (batch.failures.length > 0) await recordFailures(tx, connectionId, batch.failures);
          if (batch.completions.length > 0) await completeOperations(tx, connectionId, runId, batch.completions, at);
        }),
      ),
    completeCycle: (end) =>
      attemptOrThrow("complete cycle", () =>
        db.transaction(async (tx) => {
          const at = now();
          if (end.departed.length > 0) await clearFailures(tx, connectionId, end.departed);
          await writeWatermark(tx, connectionId, DELTA_WATERMARK, end.watermark, at);
          if (end.fullCycleDone) await updateSettings(tx, connectionId, { needsFullCycle: false }, at);
        }),
      ),
    resetForRestart: () =>
      attemptOrThrow("reset for restart", () =>
        db.transaction(async (tx) => {
          await deleteWatermark(tx, connectionId, DELTA_WATERMARK);
          await clearFailures(tx, connectionId, "all");
          await updateSettings(
            tx,
            connectionId,
            { needsFullCycle: true, rejectedRemovals: [], quarantine: null },
            now(),
          );
        }),
      ),
    lastOperation: (entraId) =>
      attemptOrThrow("read the last operation", () => lastOperation(db, connectionId, entraId)),
    watermark: () => attemptOrThrow("read watermark", () => readWatermark(db, connectionId, DELTA_WATERMARK)),
  };
}
