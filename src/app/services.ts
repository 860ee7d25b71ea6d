import { createAppleBusinessClient } from "#adapters/apple-business/index.js";
import { createGraphDirectorySource } from "#adapters/graph/graph-directory-source.js";
import type { Config, ConnectionConfig } from "#config/config.js";
import type { ApprovalStore } from "#core/approvals/approval-store.js";
import { type AuditCursor, createAuditCursor } from "#core/chat/alerts/audit-cursor.js";
import type { RoutedConnection } from "#core/chat/connection-router.js";
import type { DigestDeps } from "#core/chat/context.js";
import type { ChatLinks } from "#core/chat/format.js";
import { type ChatCore, createChatCore } from "#core/chat/handle-command.js";
import type { AlertRouteBook } from "#core/chat/ports.js";
import { createRoleChecker, type RoleChecker } from "#core/chat/roles.js";
import type { Clock } from "#core/clock.js";
import { AppError, toAppError } from "#core/errors.js";
import type { IdGenerator } from "#core/ids.js";
import type { Logger } from "#core/logger.js";
import type { AppleAuditLog } from "#core/ports/apple-directory.js";
import type { DirectorySource } from "#core/ports/directory-source.js";
import type { SeenRequestStore } from "#core/ports/seen-requests.js";
import { createLastReconcileStore } from "#core/reconcile/last-report.js";
import { createReconciler, type Reconciler } from "#core/reconcile/reconciler.js";
import { err, ok, type Result } from "#core/result.js";
import { type DatabaseHandle, openDatabase } from "#db/client.js";
import { createIncidentStore } from "#db/repositories/alert-repository.js";
import { createAlertRouteStore } from "#db/repositories/alert-route-repository.js";
import { createApprovalStore } from "#db/repositories/approval-repository.js";
import { type AuditLog, createAuditLog } from "#db/repositories/audit-repository.js";
import { ensureConnection } from "#db/repositories/connection-repository.js";
import { createDigestSubscriptionStore } from "#db/repositories/digest-subscription-repository.js";
import { createSeenRequestRepository } from "#db/repositories/seen-request-repository.js";
import { createNamedValueStore } from "#db/repositories/watermark-repository.js";
import { createAlertRouteBook } from "./alert-routes.js";
import { loadAttributeMap } from "./attribute-map-file.js";
import type { ConnectionTargets } from "./connection.js";
import { buildEngine, type ServiceEngine } from "./engines.js";
import { createEventBus, type EventBus } from "./event-bus.js";
import { connectGraphOnFirstCall } from "./lazy-graph.js";

/** One Apple organization with its Entra tenant: its engine, stores, events and chat core. */
export interface ConnectionServices {
  readonly config: ConnectionConfig;
  /** `config.id` as the database names it (`con_<id>`) */
  readonly connectionId: string;
  readonly targets: ConnectionTargets;
  readonly engine: ServiceEngine;
  readonly events: EventBus;
  /** the one approval store of this connection (both engines hold their batches there) */
  readonly approvals: ApprovalStore;
  /** `ABM_ALERT_CHANNELS` and the routes set with `alerts here` (the chat core writes them, the alert dispatcher reads them) */
  readonly alertRoutes: AlertRouteBook;
  /** the digest subscriptions, where a digest's facts come from, and when it is due (the digest worker and `digest show`) */
  readonly digest: DigestDeps;
  /** the audit log of this connection (every front end writes it through the command core) */
  readonly audit: AuditLog;
  readonly links: ChatLinks;
  /** Entra user lookups (the chat edges resolve a Slack user's e-mail to an Entra object id) */
  readonly directory: Pick<DirectorySource, "lookupUser">;
  /** the chat core for Slack and Teams users (this connection's roles) */
  readonly chat: ChatCore;
  /** the chat core for the local CLI user, who has every role (they hold the configuration) */
  readonly cliChat: ChatCore;
  /** Entra against the Apple organization's own users; null: no Apple Business API account configured */
  readonly reconciler: Reconciler | null;
  /** the Apple organization's audit log (alerts of kind `apple`) and how far its poll got; null: no Apple Business API account configured */
  readonly appleAudit: { readonly log: AppleAuditLog; readonly cursor: AuditCursor } | null;
}

/** Everything a running service, a CLI command or a test needs, built from one configuration. */
export interface AppServices {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly database: DatabaseHandle;
  /** signed chat requests already accepted (the Slack replay check, shared by replicas) */
  readonly seenRequests: SeenRequestStore;
  /** every configured connection, in the configuration's order */
  readonly connections: readonly [ConnectionServices, ...ConnectionServices[]];
  /**
   * Stops the work in flight (shutdown): every connection's cycle stops after its requests in
   * flight, writes what they did, ends its run `engine.interrupted` and releases its lease; the
   * delta link stays where it was. `close` does it too.
   */
  interrupt(): void;
  close(): Promise<void>;
}

export interface OpenServicesOptions {
  readonly config: Config;
  /** where each connection reads and writes, by connection id */
  readonly targets: Readonly<Record<string, ConnectionTargets>>;
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

/** The database's id of a configured connection. */
function databaseConnectionId(id: string): string {
  return `con_${id}`;
}

/** A connection as the chat router sees it, answering through `core` (its chat core, perhaps wrapped). */
export function routedConnection(connection: ConnectionServices, core: ChatCore): RoutedConnection {
  const routes = connection.alertRoutes;
  return {
    id: connection.config.id,
    name: connection.config.name,
    organization: connection.config.organization,
    core,
    status: () => connection.engine.status(),
    alertRoutes: () => routes.list(),
  };
}

export async function openServices(options: OpenServicesOptions): Promise<Result<AppServices, AppError>> {
  const { config, logger, clock, ids } = options;
  const url = options.databaseUrl ?? (config.database.kind === "postgres" ? config.database.url : undefined);
  const opened = await openDatabase({ url, dataDir: options.dataDir ?? config.database.dataDir, logger });
  if (!opened.ok) return err(opened.error);
  const database = opened.value;
  const closers: (() => Promise<void>)[] = [];
  const stopping = new AbortController();
  const close = async (): Promise<void> => {
    stopping.abort();
    await Promise.allSettled(closers.map((closer) => closer()));
    await database.close();
  };
  try {
    const connections: ConnectionServices[] = [];
    for (const connection of config.connections) {
      const targets = options.targets[connection.id];
      if (targets === undefined)
        throw new AppError(
          "app.not_configured",
          `No Entra/ABM endpoints were given for connection "${connection.id}".`,
        );
      const scoped = config.connections.length === 1 ? logger : logger.child({ connection: connection.id });
      connections.push(
        await openConnection({ ...options, logger: scoped }, database, connection, targets, closers, stopping.signal),
      );
    }
    const [first, ...rest] = connections;
    if (first === undefined) throw new AppError("app.not_configured", "No connection is configured.");
    return ok({
      config,
      logger,
      clock,
      ids,
      database,
      seenRequests: createSeenRequestRepository(database.db),
      connections: [first, ...rest],
      interrupt: () => stopping.abort(),
      close,
    });
  } catch (error) {
    await close();
    return err(toAppError(error, "app.start_failed"));
  }
}

async function openConnection(
  options: OpenServicesOptions,
  database: DatabaseHandle,
  connection: ConnectionConfig,
  targets: ConnectionTargets,
  closers: (() => Promise<void>)[],
  stopping: AbortSignal,
): Promise<ConnectionServices> {
  const { logger, clock, ids } = options;
  const map = await loadAttributeMap(connection.sync.attributeMapPath);
  if (!map.ok) throw map.error;
  const connectionId = databaseConnectionId(connection.id);
  await ensureConnection(database.db, {
    id: connectionId,
    name: connection.name,
    engine: connection.engine,
    scope: connection.sync.scope,
    now: clock.now(),
  });

  const events = createEventBus(logger);
  // one Graph connection (one credential, one retry policy) for the directory source and the entra engine
  const graph = connectGraphOnFirstCall({
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
  const alertRoutes = createAlertRouteBook(
    connection,
    createAlertRouteStore(database.db, connectionId, () => clock.now()),
  );
  const audit = createAuditLog(database.db, connectionId, () => clock.now(), ids);
  const built = await buildEngine({
    connection,
    targets,
    db: database.db,
    approvals,
    connectionId,
    directory,
    graph: graph.requester,
    map: map.value,
    events,
    audit,
    clock,
    ids,
    logger,
    stopping,
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.sliceSize === undefined ? {} : { sliceSize: options.sliceSize }),
  });
  if (!built.ok) throw built.error;
  const engine = built.value;
  closers.push(() => engine.close());

  const roles = createRoleChecker({
    viewers: connection.roles.viewers,
    operators: connection.roles.operators,
    approvers: connection.roles.approvers,
    groups: { isMember: (objectId, groupId) => directory.isMemberOfGroup(objectId, groupId) },
    clock,
  });
  const links: ChatLinks = {
    organization: connection.organization,
    ...(targets.graph.servicePrincipalId === null
      ? {}
      : {
          entraProvisioningUrl: `https://entra.microsoft.com/#view/Microsoft_AAD_IAM/ManagedAppMenuBlade/~/Provisioning/objectId/${targets.graph.servicePrincipalId}`,
        }),
  };
  const incidents = createIncidentStore(database.db, connectionId, () => clock.now());
  const digest: DigestDeps = {
    subscriptions: createDigestSubscriptionStore(database.db, connectionId, () => clock.now()),
    at: connection.alerts.digestAt,
    sources: {
      engine,
      approvals,
      tokenExpiresAt: targets.scim.tokenExpiresAt,
      async failingSince(code) {
        const stored = await incidents.get(`failure:${code}`);
        if (!stored.ok) return stored;
        const incident = stored.value?.incident;
        return ok(incident?.status === "open" ? incident.openedAt : null);
      },
    },
  };

  let reconciler: Reconciler | null = null;
  let appleAudit: ConnectionServices["appleAudit"] = null;
  if (targets.apple !== undefined) {
    const { clientId, keyId, privateKeyPath, apiUrl, tokenUrl } = targets.apple;
    const apple = createAppleBusinessClient({ clientId, keyId, privateKeyPath, apiUrl, tokenUrl, clock, logger });
    if (!apple.ok) throw apple.error;
    const lastReport = createLastReconcileStore(createNamedValueStore(database.db, connectionId, () => clock.now()));
    reconciler = createReconciler({
      directory,
      apple: apple.value,
      engine,
      map: map.value,
      clock,
      lastReport,
      logger,
    });
    appleAudit = {
      log: apple.value,
      cursor: createAuditCursor(createNamedValueStore(database.db, connectionId, () => clock.now())),
    };
  }

  const chatDeps = {
    engine,
    audit,
    approvals,
    alertRoutes,
    digest,
    events,
    clock,
    config: { links },
    logger,
    reconciler,
    auditCursor: appleAudit?.cursor ?? null,
  };
  return {
    config: connection,
    connectionId,
    targets,
    engine,
    events,
    approvals,
    alertRoutes,
    digest,
    audit,
    links,
    directory,
    chat: createChatCore({ ...chatDeps, roles }),
    cliChat: createChatCore({ ...chatDeps, roles: cliRoles(roles) }),
    reconciler,
    appleAudit,
  };
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
