import { hostname } from "node:os";
import { createAbmScimTarget } from "#adapters/abm-scim/abm-scim-target.js";
import { createBearerAuth } from "#adapters/abm-scim/auth.js";
import type { GraphRequester } from "#adapters/graph/index.js";
import type { ConnectionConfig } from "#config/config.js";
import type { ApprovalStore } from "#core/approvals/approval-store.js";
import type { Clock } from "#core/clock.js";
import type { EngineEventSink } from "#core/engine/context.js";
import { createNativeEngine } from "#core/engine/native-engine.js";
import { AppError } from "#core/errors.js";
import type { IdGenerator } from "#core/ids.js";
import type { Logger } from "#core/logger.js";
import type { DirectorySource } from "#core/ports/directory-source.js";
import type { ProvisioningEngine } from "#core/ports/provisioning-engine.js";
import type { ScimClientStatus } from "#core/ports/scim-target.js";
import { err, ok, type Result } from "#core/result.js";
import type { AttributeMap } from "#core/sync/attribute-map.js";
import { DEFAULT_SYNC_POLICY } from "#core/sync/planner.js";
import type { Database } from "#db/database.js";
import { createEngineStore } from "#db/repositories/engine-store.js";
import { createNamedValueStore } from "#db/repositories/watermark-repository.js";
import type { ConnectionTargets } from "./connection.js";

const APPROVAL_TTL_MS = 24 * 60 * 60 * 1000;

export interface ServiceEngine extends ProvisioningEngine {
  /** when the scheduler should next call `runScheduled` (null: paused) */
  dueAt(): Promise<Date | null>;
  /** native: an incremental cycle; entra: a poll of the job's status and provisioning logs */
  runScheduled(): Promise<void>;
  /** native: the SCIM client's adaptive concurrency, pace and 429/5xx counts; entra: null */
  scimClient(): ScimClientStatus | null;
  close(): Promise<void>;
}

export interface EngineBuildDeps {
  readonly connection: ConnectionConfig;
  readonly targets: ConnectionTargets;
  readonly db: Database;
  readonly approvals: ApprovalStore;
  readonly connectionId: string;
  readonly directory: DirectorySource;
  /** the process's one Graph requester (the directory source's too): the entra engine calls Graph through it */
  readonly graph: GraphRequester;
  readonly map: AttributeMap;
  readonly events: EngineEventSink;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly onProgress?: (done: number, total: number) => void;
  readonly sliceSize?: number;
  /** aborted when the service shuts down (AppServices.interrupt) */
  readonly stopping: AbortSignal;
}

/**
 * The configured engine behind the one port: `native` (we are the SCIM client) or `entra` (loaded
 * only when configured).
 */
export async function buildEngine(deps: EngineBuildDeps): Promise<Result<ServiceEngine, AppError>> {
  const { connection: config, targets, db, connectionId, clock, ids, logger } = deps;
  const verifiedDomains = targets.verifiedDomains.length === 0 ? null : targets.verifiedDomains;
  if (config.engine === "entra") {
    const servicePrincipalId = targets.graph.servicePrincipalId;
    if (servicePrincipalId === null) {
      return err(
        new AppError(
          "app.not_configured",
          "The entra engine needs ABM_SERVICE_PRINCIPAL_ID (object id of the Apple Business Manager enterprise app).",
        ),
      );
    }
    const { createEntraProvisioningEngine } = await import("#adapters/entra-provisioning/index.js");
    const engine = createEntraProvisioningEngine({
      graph: deps.graph,
      servicePrincipalId,
      store: createNamedValueStore(db, connectionId, () => clock.now()),
      verifiedDomains,
      attributeMap: deps.map,
      clock,
      ids,
      logger: logger.child({ component: "entra-engine" }),
      events: deps.events,
      approvals: deps.approvals,
      requiredApprovals: config.approvalsRequired,
      approvalTtlMs: APPROVAL_TTL_MS,
      disableEmailNotifications: config.alerts.routes.length > 0,
    });
    return ok({
      ...engine,
      kind: engine.kind,
      dueAt: () => engine.dueAt(),
      runScheduled: async () => {
        const polled = await engine.poll();
        if (!polled.ok) throw polled.error;
      },
      scimClient: () => null,
      // the Graph connection is the app's (services.ts closes it)
      close: async () => undefined,
    });
  }

  if (targets.scim.token === null) {
    return err(
      new AppError(
        "app.not_configured",
        "ABM_SCIM_TOKEN is not set: create a token in ABM → Preferences → Directory Sync → Connect SCIM and set it.",
      ),
    );
  }
  const target = createAbmScimTarget({
    baseUrl: targets.scim.url,
    auth: createBearerAuth(targets.scim.token),
    concurrency: config.sync.concurrency,
    clock,
    logger,
  });
  const engine = createNativeEngine({
    connectionId,
    directory: deps.directory,
    target,
    store: createEngineStore(db, connectionId, () => clock.now()),
    approvals: deps.approvals,
    requiredApprovals: config.approvalsRequired,
    map: deps.map,
    verifiedDomains,
    threshold: config.sync.deletionThreshold,
    concurrency: config.sync.concurrency,
    intervalMs: config.sync.intervalMs,
    policy: DEFAULT_SYNC_POLICY,
    tokenExpiresAt: targets.scim.tokenExpiresAt,
    approvalTtlMs: APPROVAL_TTL_MS,
    clock,
    ids,
    logger: logger.child({ component: "engine" }),
    events: deps.events,
    holderId: `${hostname()}:${process.pid}:${ids.next("evt")}`,
    stopping: deps.stopping,
    ...(deps.onProgress === undefined ? {} : { onProgress: deps.onProgress }),
    ...(deps.sliceSize === undefined ? {} : { sliceSize: deps.sliceSize }),
  });
  return ok({
    ...engine,
    status: async () => {
      const status = await engine.status();
      return status.ok ? ok({ ...status.value, scimClient: target.status() }) : status;
    },
    scimClient: () => target.status(),
    runScheduled: async () => {
      const result = await engine.runCycle({
        kind: "incremental",
        trigger: "schedule",
        actor: { id: "system", platform: "system" },
      });
      if (!result.ok && result.error.code !== "engine.busy" && result.error.code !== "engine.paused")
        throw result.error;
    },
    close: async () => target.close(),
  });
}
