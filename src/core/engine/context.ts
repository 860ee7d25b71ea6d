import type { Approval } from "../approvals/approval.js";
import type { ApprovalStore } from "../approvals/approval-store.js";
import type { Clock } from "../clock.js";
import type { IdGenerator } from "../ids.js";
import type { Logger } from "../logger.js";
import type { DirectorySource } from "../ports/directory-source.js";
import type { FailureEntry, RunSummary } from "../ports/provisioning-engine.js";
import type { ScimTarget } from "../ports/scim-target.js";
import type { AttributeMap } from "../sync/attribute-map.js";
import type { SyncPolicy } from "../sync/planner.js";
import type { EngineStore } from "./engine-store.js";

/** What the engine tells the rest of the service (alerts, metrics) as it works. */
export type EngineEvent =
  | { readonly type: "run_finished"; readonly run: RunSummary; readonly failures: readonly FailureEntry[] }
  /** a batch is held: the approval is stored (pending) and carried whole */
  | { readonly type: "deletions_held"; readonly approval: Approval; readonly run: RunSummary | null }
  /** an approval changed (a vote, a decision, its result, expiry, withdrawal): its posted messages are re-rendered */
  | { readonly type: "approval_changed"; readonly approval: Approval }
  | { readonly type: "quarantine_entered"; readonly reason: string }
  | { readonly type: "quarantine_left" }
  /**
   * ABM refused the current SCIM token (401) and the client moved to the next one
   * (ABM_SCIM_TOKEN_NEXT). `tokenId` names the token switched to without revealing it (a short hash),
   * so every replica announces the same switch once; `expiresAt`: the new token's, when known.
   */
  | { readonly type: "token_switched"; readonly at: Date; readonly tokenId: string; readonly expiresAt: Date | null };

export interface EngineEventSink {
  emit(event: EngineEvent): void;
}

export interface NativeEngineDeps {
  readonly connectionId: string;
  readonly directory: DirectorySource;
  readonly target: ScimTarget;
  readonly store: EngineStore;
  readonly approvals: ApprovalStore;
  /** ABM_APPROVALS_REQUIRED */
  readonly requiredApprovals: number;
  readonly map: AttributeMap;
  readonly verifiedDomains: readonly string[] | null;
  /** DELETION_THRESHOLD */
  readonly threshold: number;
  /** SYNC_CONCURRENCY */
  readonly concurrency: number;
  /** SYNC_INTERVAL */
  readonly intervalMs: number;
  readonly policy: SyncPolicy;
  readonly tokenExpiresAt: Date | null;
  /** how long an approval stays open (24 h) */
  readonly approvalTtlMs: number;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly events: EngineEventSink;
  /** identifies this process for leases (`host:pid`) */
  readonly holderId: string;
  readonly onProgress?: (done: number, total: number) => void;
  /** source users a full cycle plans and applies together (default DEFAULT_SLICE_SIZE; tests make it small) */
  readonly sliceSize?: number;
  /** aborted when the service shuts down: a cycle in flight stops after its requests in flight */
  readonly stopping?: AbortSignal;
}

export interface EngineContext extends NativeEngineDeps {
  quarantine(reason: string): Promise<void>;
  releaseQuarantine(): Promise<void>;
}

/** Entra retries a quarantined job at a reduced rate; so do we: 4× the interval, doubling, ≤ 24 h. */
export function quarantineDelayMs(intervalMs: number, seriesCount: number): number {
  return Math.min(24 * 60 * 60 * 1000, intervalMs * 4 * 2 ** Math.max(0, seriesCount - 1));
}

export function createEngineContext(deps: NativeEngineDeps): EngineContext {
  return {
    ...deps,
    async quarantine(reason) {
      const settings = await deps.store.settings();
      const now = deps.clock.now();
      const seriesCount = (settings.quarantine?.seriesCount ?? 0) + 1;
      await deps.store.updateSettings({
        quarantine: {
          reason,
          since: settings.quarantine?.since ?? now,
          nextAttemptAt: new Date(now.getTime() + quarantineDelayMs(deps.intervalMs, seriesCount)),
          seriesCount,
        },
      });
      if (settings.quarantine === null) deps.events.emit({ type: "quarantine_entered", reason });
    },
    async releaseQuarantine() {
      await deps.store.updateSettings({ quarantine: null });
      deps.events.emit({ type: "quarantine_left" });
    },
  };
}
