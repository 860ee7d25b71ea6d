import { connectGraph, createGraphDirectorySource } from "#adapters/graph/index.js";
import type { Config } from "#config/config.js";
import type { ApprovalStore } from "#core/approvals/approval-store.js";
import type { ChatLinks } from "#core/chat/format.js";
import { type ChatCore, createChatCore } from "#core/chat/handle-command.js";
import { createRoleChecker, type RoleChecker } from "#core/chat/roles.js";
import type { Clock } from "#core/clock.js";
import { type AppError, toAppError } from "#core/errors.js";
import type { IdGenerator } from "#core/ids.js";
import type { Logger } from "#core/logger.js";
import type { DirectorySource } from "#core/ports/directory-source.js";
import type { SeenRequestStore } from "#core/ports/seen-requests.js";
import { err, ok, type Result } from "#core/result.js";
import { type DatabaseHandle, openDatabase } from "#db/client.js";
import { type AlertRouteStore, createAlertRouteStore } from "#db/repositories/alert-route-repository.js";
import { createApprovalStore } from "#db/repositories/approval-repository.js";
import { type AuditLog, createAuditLog } from "#db/repositories/audit-repository.js";
import { ensureConnection } from "#db/repositories/connection-repository.js";
import { createSeenRequestRepository } from "#db/repositories/seen-request-repository.js";
import { loadAttributeMap } from "./attribute-map-file.js";
import type { ConnectionTargets } from "./connection.js";
import { buildEngine, type ServiceEngine } from "./engines.js";
import { createEventBus, type EventBus } from "./event-bus.js";

const DEFAULT_CONNECTION_ID = "con_default";

/** Everything a running service, a CLI command or a test needs, built from one configuration. */
export interface AppServices {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly database: DatabaseHandle;
  /** signed chat requests already accepted (the Slack replay check, shared by replicas) */
  readonly seenRequests: SeenRequestStore;
  readonly connectionId: string;
  readonly engine: ServiceEngine;
  readonly events: EventBus;
  /** the one approval store of this connection (both engines hold their batches there) */
  readonly approvals: ApprovalStore;
  /** the routes set with `alerts here` (the chat core writes them, the alert dispatcher reads them) */
  readonly alertRoutes: AlertRouteStore;
  /** the audit log of this connection (every front end writes it through the command core) */
  readonly audit: AuditLog;
  readonly links: ChatLinks;
  /** Entra user lookups (the chat edges resolve a Slack user's e-mail to an Entra object id) */
  readonly directory: Pick<DirectorySource, "lookupUser">;
  /** the chat core for Slack and Teams users (roles from ABM_VIEWERS / ABM_OPERATORS / ABM_APPROVERS) */
  readonly chat: ChatCore;
  /** the chat core for the local CLI user, who has every role (they hold the configuration) */
  readonly cliChat: ChatCore;
  close(): Promise<void>;
}

export interface OpenServicesOptions {
  readonly config: Config;
  readonly targets: ConnectionTargets;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  /** progress of long cycles (the CLI's progress bar) */
  readonly onProgress?: (done: number, total: number) => void;
  /** overrides for tests and benchmarks */
  readonly databaseUrl?: string;
  readonly dataDir?: string;
  /** source users a full cycle plans and applies together (the engine's default otherwise) */
  readonly sliceSize?: number;
}

const ABM_LINKS = {
  abmDirectorySyncUrl: "https://business.apple.com/#/main/preferences/directorysync",
  abmActivityUrl: "https://business.apple.com/#/main/activity",
};

export async function openServices(options: OpenServicesOptions): Promise<Result<AppServices, AppError>> {
  const { config, targets, logger, clock, ids } = options;
  const map = await loadAttributeMap(config.sync.attributeMapPath);
  if (!map.ok) return err(map.error);

  const url = options.databaseUrl ?? (config.database.kind === "postgres" ? config.database.url : undefined);
  const opened = await openDatabase({ url, dataDir: options.dataDir ?? config.database.dataDir, logger });
  if (!opened.ok) return err(opened.error);
  const database = opened.value;
  const closers: (() => Promise<void>)[] = [];

  try {
    const connectionId = DEFAULT_CONNECTION_ID;
    await ensureConnection(database.db, {
      id: connectionId,
      name: "default",
      engine: config.engine,
      scope: config.sync.scope,
      now: clock.now(),
    });

    const events = createEventBus(logger);
    // one Graph connection (one credential, one retry policy) for the directory source and the entra engine
    const graph = connectGraph({
      tenantId: targets.graph.tenantId,
      clientId: targets.graph.clientId,
      clientSecret: targets.graph.clientSecret,
      authorityHost: targets.graph.authorityHost,
      graphBaseUrl: targets.graph.graphBaseUrl,
      ...(targets.graph.trustedCaPem === undefined ? {} : { trustedCaPem: targets.graph.trustedCaPem }),
      clock,
      logger,
    });
    closers.push(() => graph.close());
    const directory = createGraphDirectorySource({
      requester: graph.requester,
      ...(targets.graph.servicePrincipalId === null ? {} : { servicePrincipalId: targets.graph.servicePrincipalId }),
      pageSize: 999,
      logger,
    });
    const approvals = createApprovalStore(database.db, connectionId, ids);
    const alertRoutes = createAlertRouteStore(database.db, connectionId, () => clock.now());
    const audit = createAuditLog(database.db, connectionId, () => clock.now(), ids);
    const built = buildEngine({
      config,
      targets,
      db: database.db,
      approvals,
      connectionId,
      directory,
      graph: graph.requester,
      map: map.value,
      events,
      clock,
      ids,
      logger,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(options.sliceSize === undefined ? {} : { sliceSize: options.sliceSize }),
    });
    if (!built.ok) throw built.error;
    const engine = built.value;
    closers.push(() => engine.close());

    const roles = createRoleChecker({
      viewers: config.roles.viewers,
      operators: config.roles.operators,
      approvers: config.roles.approvers,
      groups: { isMember: (objectId, groupId) => directory.isMemberOfGroup(objectId, groupId) },
      clock,
    });
    const links: ChatLinks = {
      ...ABM_LINKS,
      ...(targets.graph.servicePrincipalId === null
        ? {}
        : {
            entraProvisioningUrl: `https://entra.microsoft.com/#view/Microsoft_AAD_IAM/ManagedAppMenuBlade/~/Provisioning/objectId/${targets.graph.servicePrincipalId}`,
          }),
    };
    const chatDeps = {
      engine,
      audit,
      approvals,
      alertRoutes,
      events,
      clock,
      config: { links },
      logger,
    };

    return ok({
      config,
      logger,
      clock,
      ids,
      database,
      seenRequests: createSeenRequestRepository(database.db),
      connectionId,
      engine,
      events,
      approvals,
      alertRoutes,
      audit,
      links,
      directory,
      chat: createChatCore({ ...chatDeps, roles }),
      cliChat: createChatCore({ ...chatDeps, roles: cliRoles(roles) }),
      close: async () => {
        await Promise.allSettled(closers.map((close) => close()));
        await database.close();
      },
    });
  } catch (error) {
    await Promise.allSettled(closers.map((close) => close()));
    await database.close();
    return err(toAppError(error, "app.start_failed"));
  }
}

/** The local CLI user holds the configuration and the database: every role. */
function cliRoles(base: RoleChecker): RoleChecker {
  return {
    check: async (actor, role) =>
      actor.platform === "cli" ? { allowed: true, role, problem: null } : base.check(actor, role),
    rolesOf: async (actor) =>
      actor.platform === "cli" ? new Set(["anyone", "viewer", "operator", "approver"] as const) : base.rolesOf(actor),
  };
}
