import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { createAbmScimTarget } from "#adapters/abm-scim/abm-scim-target.js";
import { createTokenPairAuth } from "#adapters/abm-scim/auth.js";
import type { GraphRequester } from "#adapters/graph/index.js";
import type { ConnectionConfig } from "#config/config.js";
import type { ApprovalStore } from "#core/approvals/approval-store.js";
import type { AuditSink } from "#core/audit.js";
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
import { activeExpiry, type ScimTokenState, tokenExpiry } from "#core/scim-token.js";
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
  /** native: the SCIM token in use and the next one, with their expiry; entra: null (Entra holds its token) */
  scimToken(): ScimTokenState | null;
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
  /** where the SCIM client's switch to the next token is audited */
  readonly audit: AuditSink;
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
      scimToken: () => null,
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
  const token = scimTokenPair(deps, targets.scim.token);
  const target = createAbmScimTarget({
    baseUrl: targets.scim.url,
    auth: token.auth,
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
      if (!status.ok) return status;
      const scimToken = token.state();
      const tokenExpiresAt = activeExpiry(scimToken)?.at ?? null;
      return ok({ ...status.value, tokenExpiresAt, scimClient: target.status(), scimToken });
    },
    scimClient: () => target.status(),
    scimToken: () => token.state(),
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

/**
 * The SCIM token and, with ABM_SCIM_TOKEN_NEXT, the second one of Apple's overlap: the client moves
 * to it when ABM refuses the current one (401). The switch is logged, audited and emitted as
 * `token_switched` (the alert dispatcher announces it once; the token check then counts down for
 * the new token).
 */
function scimTokenPair(deps: EngineBuildDeps, current: string) {
  const { scim } = deps.targets;
  const currentExpiry = tokenExpiry(current, scim.tokenExpiresAt);
  const nextExpiry = scim.nextToken === null ? null : tokenExpiry(scim.nextToken, scim.nextTokenExpiresAt);
  // names the token switched to in alert keys, so every replica announces the same switch once
  const tokenId =
    scim.nextToken === null ? "" : createHash("sha256").update(scim.nextToken.trim()).digest("hex").slice(0, 12);
  const onSwitch = (at: Date): void => {
    deps.logger.warn(
      { connection: deps.connection.id },
      "ABM refused the SCIM token (401); switched to ABM_SCIM_TOKEN_NEXT",
    );
    deps.events.emit({ type: "token_switched", at, tokenId, expiresAt: nextExpiry?.at ?? null });
    void deps.audit
      .record({
        actor: "system",
        platform: "system",
        command: "token.switch",
        target: null,
        outcome: "succeeded",
        detail: "ABM answered 401 to ABM_SCIM_TOKEN; the SCIM client now uses ABM_SCIM_TOKEN_NEXT for this process.",
      })
      .then((saved) => {
        if (!saved.ok) deps.logger.error({ code: saved.error.code }, "token switch could not be audited");
      });
  };
  const auth = createTokenPairAuth({ current, next: scim.nextToken, now: () => deps.clock.now(), onSwitch });
  return {
    auth,
    state: (): ScimTokenState => {
      const { active, switchedAt } = auth.state();
      return {
        active,
        current: { expiry: currentExpiry },
        next: scim.nextToken === null ? null : { expiry: nextExpiry },
        switchedAt,
      };
    },
  };
}
