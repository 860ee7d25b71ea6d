import type { Clock } from "../clock.js";
import type { AppError } from "../errors.js";
import type { Logger } from "../logger.js";
import type { AppleDirectory } from "../ports/apple-directory.js";
import type { DirectorySource } from "../ports/directory-source.js";
import type { ProvisioningEngine } from "../ports/provisioning-engine.js";
import { err, ok, type Result } from "../result.js";
import { type AttributeMap, selectFor } from "../sync/attribute-map.js";
import { isEnabled, mapUser } from "../sync/mapping.js";
import type { SourceUser, SourceValue } from "../users.js";
import { type LastReconcileStore, type ReconcileSummary, summarize } from "./last-report.js";
import { type EntraPerson, type ReconcileReport, reconcile } from "./reconcile.js";

/**
 * Reads both sides and compares them; keeps the last report's summary in the database for
 * `status` and the home screen. Never writes to Entra or Apple.
 */
export interface Reconciler {
  run(signal?: AbortSignal): Promise<Result<ReconcileReport, AppError>>;
  /** the connection's last report without its lines, whichever process ran it; null: never run */
  last(): Promise<Result<ReconcileSummary | null, AppError>>;
}

export interface ReconcilerDeps {
  readonly directory: Pick<DirectorySource, "readChanges" | "readAssignedScope">;
  readonly apple: AppleDirectory;
  readonly engine: Pick<ProvisioningEngine, "status">;
  readonly map: AttributeMap;
  readonly clock: Clock;
  /** a summary that cannot be saved is logged; the report is still answered */
  readonly logger: Logger;
  readonly lastReport: LastReconcileStore;
}

function textOf(value: SourceValue | undefined): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

/**
 * One full read of Entra (Graph delta without a watermark: the sync's own stored delta link is not
 * touched), the assigned scope when the scope is `assigned`, and every Apple user (pages of 1000,
 * a handful of requests for any organization), then the pure comparison.
 */
export function createReconciler(deps: ReconcilerDeps): Reconciler {
  return {
    last: () => deps.lastReport.read(),
    async run(signal) {
      const status = await deps.engine.status();
      if (!status.ok) return err(status.error);
      const users = new Map<string, SourceUser>();
      const select = [...new Set([...selectFor(deps.map), "userPrincipalName", "mail"])].sort();
      const read = await deps.directory.readChanges({
        watermark: null,
        select,
        ...(signal === undefined ? {} : { signal }),
        onBatch: async (changes) => {
          for (const change of changes) {
            if (change.kind === "upsert") users.set(change.user.id, change.user);
            else users.delete(change.id);
          }
        },
      });
      if (!read.ok) return err(read.error);
      let assigned: ReadonlySet<string> | null = null;
      if (status.value.scope === "assigned") {
        const scope = await deps.directory.readAssignedScope(signal);
        if (!scope.ok) return err(scope.error);
        assigned = scope.value.userIds;
      }
      const apple = await deps.apple.listUsers(signal);
      if (!apple.ok) return err(apple.error);
      const entra: EntraPerson[] = [...users.values()].map((user) => ({
        id: user.id,
        userPrincipalName: textOf(user.attributes.userPrincipalName),
        mail: textOf(user.attributes.mail),
        enabled: isEnabled(user),
        inScope: assigned === null || assigned.has(user.id),
        target: mapUser(user, deps.map),
      }));
      const report = reconcile({
        entra,
        apple: apple.value,
        cycleCompleted: status.value.lastSuccessfulRun !== null,
        now: deps.clock.now(),
      });
      const saved = await deps.lastReport.save(summarize(report));
      if (!saved.ok)
        deps.logger.warn(
          { code: saved.error.code },
          `The reconcile summary was not saved (status and home keep the previous one): ${saved.error.message}`,
        );
      return ok(report);
    },
  };
}
