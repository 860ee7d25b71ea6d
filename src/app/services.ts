import { hostname } from "node:os";
import { createAbmScimTarget } from "#adapters/abm-scim/abm-scim-target.js";
import { createBearerAuth } from "#adapters/abm-scim/auth.js";
import { createGraphDirectorySource } from "#adapters/graph/graph-directory-source.js";
import type { Config } from "#config/config.js";
import { type ChatCore, createChatCore } from "#core/chat/handle-command.js";
import { createRoleChecker, type RoleChecker } from "#core/chat/roles.js";
import type { Clock } from "#core/clock.js";
import type { NativeEngineDeps } from "#core/engine/context.js";
import { createNativeEngine } from "#core/engine/native-engine.js";
import { AppError, toAppError } from "#core/errors.js";
import type { IdGenerator } from "#core/ids.js";
import type { Logger } from "#core/logger.js";
import type { ProvisioningEngine } from "#core/ports/provisioning-engine.js";
import { type JsonValue, jsonValueSchema } from "#core/ports/store/common.js";
import { err, ok, type Result } from "#core/result.js";
import { DEFAULT_SYNC_POLICY } from "#core/sync/planner.js";
import { type DatabaseHandle, openDatabase } from "#db/client.js";
import { createRepositories, type Repositories } from "#db/repositories/create-repositories.js";
import { loadAttributeMap } from "./attribute-map-file.js";
import type { ConnectionTargets } from "./connection.js";
import { createEventBus, type EventBus } from "./event-bus.js";
import { createAlertRouteBook, createApprovalBook, createAuditSink } from "./wiring/chat-stores.js";
import { createEngineStore } from "./wiring/engine-store.js";

const DEFAULT_CONNECTION_ID = "con_default";
const APPROVAL_TTL_MS = 24 * 60 * 60 * 1000;

export interface ServiceEngine extends ProvisioningEngine {
  dueAt(): Promise<Date | null>;
}

/** Everything a running service, a CLI command or a test needs, built from one configuration. */
export interface AppServices {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly database: DatabaseHandle;
  readonly repos: Repositories<JsonValue>;
  readonly connectionId: string;
  readonly engine: ServiceEngine;
  readonly events: EventBus;
  /** the chat core for Slack and Teams users (roles from ABM_OPERATORS / ABM_APPROVERS) */
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
}

const ABM_LINKS = {
  abmDirectorySyncUrl: "https://business.apple.com/#/main/preferences/directorysync",
  abmActivityUrl: "https://business.apple.com/#/main/activity",
};

export async function openServices(options: OpenServicesOptions): Promise<Result<AppServices, AppError>> {
  const { config, targets, logger, clock, ids } = options;
  const map = await loadAttributeMap(config.sync.attributeMapPath);
  if (!map.ok) return err(map.error);
  if (targets.scim.token === null) {
    return err(
      new AppError(
        "app.not_configured",
        "ABM_SCIM_TOKEN is not set: create a token in ABM → Preferences → Directory Sync → Connect SCIM and set it.",
      ),
    );
  }

  const url = options.databaseUrl ?? (config.database.kind === "postgres" ? config.database.url : undefined);
  const opened = await openDatabase({ url, dataDir: options.dataDir ?? config.database.dataDir, logger });
  if (!opened.ok) return err(opened.error);
  const database = opened.value;
  const db = database.db;
  const repos = createRepositories(db, jsonValueSchema);

  try {
    const connectionId = DEFAULT_CONNECTION_ID;
    const ensured = await repos.connections.ensure({
      id: connectionId,
      name: "default",
      engine: config.engine,
      scope: config.sync.scope,
      now: clock.now(),
    });
    if (!ensured.ok) throw ensured.error;

    const events = createEventBus(logger);
    const directory = createGraphDirectorySource({
      tenantId: targets.graph.tenantId,
      clientId: targets.graph.clientId,
      clientSecret: targets.graph.clientSecret,
      authorityHost: targets.graph.authorityHost,
      graphBaseUrl: targets.graph.graphBaseUrl,
      ...(targets.graph.servicePrincipalId === null ? {} : { servicePrincipalId: targets.graph.servicePrincipalId }),
      ...(targets.graph.trustedCaPem === undefined ? {} : { trustedCaPem: targets.graph.trustedCaPem }),
      pageSize: 999,
      clock,
      logger,
    });
    const target = createAbmScimTarget({
      baseUrl: targets.scim.url,
      auth: createBearerAuth(targets.scim.token),
      concurrency: config.sync.concurrency,
      clock,
      logger,
    });
    const store = createEngineStore(repos, connectionId, config.approvalsRequired, () => clock.now());
    const deps: NativeEngineDeps = {
      connectionId,
      directory,
      target,
      store,
      map: map.value,
      verifiedDomains: targets.verifiedDomains.length === 0 ? null : targets.verifiedDomains,
      threshold: config.sync.deletionThreshold,
      concurrency: config.sync.concurrency,
      intervalMs: config.sync.intervalMs,
      policy: DEFAULT_SYNC_POLICY,
      tokenExpiresAt: targets.scim.tokenExpiresAt,
      approvalTtlMs: APPROVAL_TTL_MS,
      clock,
      ids,
      logger: logger.child({ component: "engine" }),
      events,
      holderId: `${hostname()}:${process.pid}:${ids.next("evt")}`,
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    };
    const engine = createNativeEngine(deps);

    const roles = createRoleChecker({
      operators: config.roles.operators.map(roleText),
      approvers: config.roles.approvers.map(roleText),
      groups: { isMember: (objectId, groupId) => directory.isMemberOfGroup(objectId, groupId) },
      clock,
    });
    const chatDeps = {
      engine,
      audit: createAuditSink(repos.audit, connectionId, clock, ids),
      approvals: createApprovalBook(repos.approvals, connectionId, clock),
      alertRoutes: createAlertRouteBook(repos.alertRoutes, connectionId, clock),
      clock,
      config: {
        approvalsRequired: config.approvalsRequired,
        links: {
          ...ABM_LINKS,
          ...(targets.graph.servicePrincipalId === null
            ? {}
            : {
                entraProvisioningUrl: `https://entra.microsoft.com/#view/Microsoft_AAD_IAM/ManagedAppMenuBlade/~/Provisioning/objectId/${targets.graph.servicePrincipalId}`,
              }),
        },
      },
      logger,
    };
    const chat = createChatCore({ ...chatDeps, roles });
    const cliChat = createChatCore({ ...chatDeps, roles: cliRoles(roles) });

    return ok({
      config,
      logger,
      clock,
      ids,
      database,
      repos,
      connectionId,
      engine,
      events,
      chat,
      cliChat,
      close: async () => {
        await Promise.allSettled([directory.close(), target.close?.()]);
        await database.close();
      },
    });
  } catch (error) {
    await database.close();
    return err(toAppError(error, "app.start_failed"));
  }
}

function roleText(entry: Config["roles"]["operators"][number]): string {
  return entry.kind === "group" ? `group:${entry.value}` : entry.value;
}

/** The local CLI user holds the configuration and the database: every role. */
function cliRoles(base: RoleChecker): RoleChecker {
  return {
    check: async (actor, role) =>
      actor.platform === "cli" ? { allowed: true, role, problem: null } : base.check(actor, role),
    rolesOf: async (actor) =>
      actor.platform === "cli" ? new Set(["viewer", "operator", "approver"] as const) : base.rolesOf(actor),
  };
}
