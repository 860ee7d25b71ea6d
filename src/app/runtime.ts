import { hostname } from "node:os";
import { sql } from "drizzle-orm";
import type { Config } from "#config/config.js";
import { namespaced } from "#core/chat/connection-router.js";
import type { Clock } from "#core/clock.js";
import { AppError } from "#core/errors.js";
import type { IdGenerator } from "#core/ids.js";
import type { Logger } from "#core/logger.js";
import type { ScimClientStatus } from "#core/ports/scim-target.js";
import { err, ok, type Result } from "#core/result.js";
import { activeExpiry } from "#core/scim-token.js";
import { createIncidentStore } from "#db/repositories/alert-repository.js";
import { createAuditEventClaims } from "#db/repositories/apple-audit-repository.js";
import { connectionLeases } from "#db/repositories/lease-repository.js";
import { createOutboxStore } from "#db/repositories/outbox-repository.js";
import { type AdminChannel, startAdminChannel } from "./admin-socket.js";
import { createAlertDispatcher } from "./alerts/dispatcher.js";
import { createOutboxWorker } from "./alerts/outbox-worker.js";
import type { NotifierMap } from "./alerts/ports.js";
import { terminalAlert } from "./alerts/terminal.js";
import { createAppleAuditWorker } from "./apple-audit-worker.js";
import { createChatEdges, notifiersOf } from "./chat-edges.js";
import { createInProcessAppAccess } from "./cli/app-access.js";
import { createCommandRegistry } from "./cli/commands/registry.js";
import type { ConnectionTargets } from "./connection.js";
import { createDigestWorker } from "./digest-worker.js";
import { createHttpServer, listen, type Route } from "./http/server.js";
import { createMetricsRegistry, type MetricsRegistry } from "./metrics.js";
import type { DataDirLock } from "./process-lock.js";
import { createScheduler } from "./scheduler.js";
import { type AppServices, type ConnectionServices, openServices } from "./services.js";

export interface RunningService {
  readonly services: AppServices;
  readonly url: string;
  readonly port: number;
  /** the Teams bot accepts unauthenticated activities (no MICROSOFT_APP_ID) */
  readonly teamsAnonymous: boolean | null;
  stop(): Promise<void>;
}

export interface StartServiceOptions {
  readonly config: Config;
  /** where each connection reads and writes, by connection id */
  readonly targets: Readonly<Record<string, ConnectionTargets>>;
  /** handed to the command registry's `serve`/`demo` factories only; the admin socket runs commands with `config` */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly host?: string;
  readonly port?: number;
  /** PGlite: the data-directory lock, to publish the admin socket for other CLI processes */
  readonly lock?: DataDirLock | null;
  readonly dataDir?: string;
  readonly databaseUrl?: string;
  readonly schedule?: boolean;
  /** the demo: alerts that no channel receives are printed as text here */
  readonly unroutedAlerts?: (text: string) => void;
}

const TOKEN_CHECK_MS = 12 * 60 * 60 * 1000;
const AUDIT_POLL_MIN_MS = 30_000;
const AUDIT_POLL_MAX_MS = 5 * 60_000;

function engineMetrics(connection: ConnectionServices, metrics: MetricsRegistry): void {
  const runs = metrics.counter("abm_sync_runs_total", "Sync runs by kind and outcome");
  const ops = metrics.counter("abm_sync_operations_total", "Operations applied by action");
  const failing = metrics.gauge("abm_sync_failing_users", "Users currently failing (escrow)");
  const label = { connection: connection.config.id };
  connection.events.subscribe((event) => {
    if (event.type !== "run_finished") return;
    runs.inc({ ...label, kind: event.run.kind, outcome: event.run.outcome });
    for (const [action, count] of Object.entries(event.run.counts)) if (count > 0) ops.inc({ ...label, action }, count);
    failing.set(event.failures.length, label);
  });
}

/** Every button a connection posts names it, when there are several (the chat router routes clicks on it). */
function namespacedNotifiers(notifiers: NotifierMap, connectionId: string | null): NotifierMap {
  if (connectionId === null) return notifiers;
  const out: NotifierMap = {};
  for (const platform of ["slack", "teams"] as const) {
    const notifier = notifiers[platform];
    if (notifier === undefined) continue;
    out[platform] = {
      post: (channel, reply) => notifier.post(channel, namespaced(reply, connectionId)),
      reply: (channel, parent, reply) => notifier.reply(channel, parent, namespaced(reply, connectionId)),
      update: (channel, message, reply) => notifier.update(channel, message, namespaced(reply, connectionId)),
    };
  }
  return out;
}

/** The work one organization needs in a running service: alerts, the outbox, digests, token warnings, the schedule. */
interface ConnectionWorkers {
  start(schedule: boolean): void;
  stop(): Promise<void>;
}

function connectionWorkers(
  options: StartServiceOptions,
  services: AppServices,
  connection: ConnectionServices,
  notifiers: NotifierMap,
): ConnectionWorkers {
  const { clock, ids } = options;
  const several = services.connections.length > 1;
  const logger = several ? options.logger.child({ connection: connection.config.id }) : options.logger;
  const { connectionId } = connection;
  // alerts instead of e-mail: engine events → incidents → durable outbox → one message/s per channel
  const incidents = createIncidentStore(services.database.db, connectionId, () => clock.now());
  const outbox = createOutboxStore(services.database.db, connectionId);
  const dispatcher = createAlertDispatcher({
    incidents,
    outbox,
    routes: connection.alertRoutes,
    config: { links: connection.links },
    clock,
    ids,
    logger: logger.child({ component: "alerts" }),
    unrouted:
      options.unroutedAlerts === undefined
        ? null
        : (reply, approvalId) => options.unroutedAlerts?.(terminalAlert(reply, approvalId)),
  });
  const unsubscribe = connection.events.subscribe((event) => {
    dispatcher.emit(event);
    if (event.type === "token_switched") checkToken();
  });
  const worker = createOutboxWorker({
    outbox,
    incidents,
    approvals: connection.approvals,
    notifiers: namespacedNotifiers(notifiers, several ? connection.config.id : null),
    links: connection.links,
    clock,
    logger: logger.child({ component: "outbox" }),
  });
  const digests = createDigestWorker({
    digest: connection.digest,
    outbox,
    links: connection.links,
    clock,
    ids,
    logger,
  });
  // Apple's audit log → alerts of kind `apple`, when the connection has an Apple Business API account
  const appleAudit =
    connection.appleAudit === null
      ? null
      : createAppleAuditWorker({
          log: connection.appleAudit.log,
          claims: createAuditEventClaims(services.database.db, connectionId),
          cursor: connection.appleAudit.cursor,
          leases: connectionLeases(services.database.db, connectionId),
          holderId: `${hostname()}:${process.pid}:${ids.next("aud")}`,
          dispatch: (event) => dispatcher.dispatch(event),
          clock,
          logger,
          // as often as the sync runs, between every 30 s and every 5 min (one GET a poll; Apple allows ~20 a minute)
          options: {
            pollMs: Math.max(AUDIT_POLL_MIN_MS, Math.min(AUDIT_POLL_MAX_MS, connection.config.sync.intervalMs)),
          },
        });
  // the token in use: after a switch to ABM_SCIM_TOKEN_NEXT the warnings count down for it
  const tokenExpiresAt = (): Date | null => {
    const state = connection.engine.scimToken();
    return state === null ? connection.targets.scim.tokenExpiresAt : (activeExpiry(state)?.at ?? null);
  };
  const checkToken = (): void => {
    const expiresAt = tokenExpiresAt();
    if (expiresAt === null) return;
    dispatcher.checkToken(expiresAt).then(
      (r) => {
        if (!r.ok) logger.warn({ code: r.error.code }, "token expiry check failed");
      },
      (error: unknown) => logger.error({ err: String(error) }, "token expiry check failed"),
    );
  };
  let tokenTimer: NodeJS.Timeout | null = null;
  // each connection schedules its own cycles: one organization's slow ABM or quarantine never delays another's
  const scheduler = createScheduler({
    clock,
    logger,
    target: { dueAt: () => connection.engine.dueAt(), runScheduled: () => connection.engine.runScheduled() },
  });
  return {
    start(schedule) {
      checkToken();
      tokenTimer = setInterval(checkToken, TOKEN_CHECK_MS);
      tokenTimer.unref();
      worker.start();
      if (schedule) {
        scheduler.start();
        digests.start();
        appleAudit?.start();
      }
    },
    async stop() {
      if (tokenTimer !== null) clearInterval(tokenTimer);
      await scheduler.stop();
      await digests.stop();
      await appleAudit?.stop();
      unsubscribe();
      await dispatcher.idle();
      await worker.stop();
    },
  };
}

/** Each native engine's SCIM client, read at each scrape (no samples with the entra engine). */
function scimClientMetrics(connections: readonly ConnectionServices[], metrics: MetricsRegistry): void {
  const read = (pick: (client: ScimClientStatus) => number) => () =>
    connections.flatMap((connection) => {
      const client = connection.engine.scimClient();
      return client === null ? [] : [{ labels: { connection: connection.config.id }, value: pick(client) }];
    });
  metrics.sampled(
    "abm_scim_concurrency_limit",
    "SCIM requests the client allows in flight now (adaptive, at most SYNC_CONCURRENCY)",
    "gauge",
    read((c) => c.concurrencyLimit),
  );
  metrics.sampled(
    "abm_scim_concurrency_max",
    "The ceiling of the adaptive SCIM concurrency (SYNC_CONCURRENCY)",
    "gauge",
    read((c) => c.concurrencyMax),
  );
  metrics.sampled(
    "abm_scim_paced_requests_per_second",
    "The request rate the SCIM client paces itself to since ABM answered 429 (0: not paced)",
    "gauge",
    read((c) => c.pacedPerSecond ?? 0),
  );
  metrics.sampled(
    "abm_scim_rate_limited_total",
    "SCIM requests ABM answered 429 (rate limited)",
    "counter",
    read((c) => c.rateLimited),
  );
  metrics.sampled(
    "abm_scim_server_errors_total",
    "SCIM requests ABM answered 5xx",
    "counter",
    read((c) => c.serverErrors),
  );
}

/**
 * `abm serve`: HTTP server (chat endpoints, health, metrics), and per connection the scheduler and
 * alerts; with embedded PGlite the admin socket in the data directory (never a route of the HTTP server).
 */
export async function startService(options: StartServiceOptions): Promise<Result<RunningService, AppError>> {
  const { config, logger, clock, ids } = options;
  const opened = await openServices({
    config,
    targets: options.targets,
    logger,
    clock,
    ids,
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.databaseUrl === undefined ? {} : { databaseUrl: options.databaseUrl }),
  });
  if (!opened.ok) return err(opened.error);
  const services = opened.value;
  const metrics = createMetricsRegistry();
  for (const connection of services.connections) engineMetrics(connection, metrics);
  scimClientMetrics(services.connections, metrics);

  const edges = await createChatEdges(config, services, logger);
  const teamsAnonymous = edges.find((edge) => edge.platform === "teams")?.anonymous ?? null;
  if (teamsAnonymous === true) {
    logger.warn(
      { code: "teams.anonymous" },
      "TEAMS BOT IS ANONYMOUS (TEAMS_ALLOW_ANONYMOUS): /api/messages accepts unauthenticated activities. For a local client on this machine only; a real bot needs MICROSOFT_APP_ID.",
    );
  }
  const routes: Route[] = edges.flatMap((edge) => edge.routes);
  const notifiers = notifiersOf(edges);
  const workers = services.connections.map((connection) => connectionWorkers(options, services, connection, notifiers));

  const server = createHttpServer({
    routes,
    metrics,
    logger,
    readiness: [
      {
        name: "database",
        check: async () => {
          await services.database.db.execute(sql`select 1`);
          return { ok: true };
        },
      },
    ],
  });
  let running: Awaited<ReturnType<typeof listen>>;
  try {
    running = await listen(server, options.port ?? config.port, options.host ?? config.host);
  } catch (error) {
    await services.close();
    return err(
      new AppError(
        "app.listen_failed",
        `Cannot listen on port ${options.port ?? config.port}: ${(error as Error).message}. Set PORT to a free port.`,
        {
          cause: error,
        },
      ),
    );
  }
  const admin = await openAdminChannel(options, services);
  for (const edge of edges) await edge.start();
  for (const worker of workers) worker.start(options.schedule ?? true);

  return ok({
    services,
    url: running.url,
    port: running.port,
    teamsAnonymous,
    stop: async () => {
      // the cycle in flight stops after its requests in flight and releases its lease (≤ 10 s in all)
      services.interrupt();
      await Promise.all(workers.map((worker) => worker.stop()));
      for (const edge of edges) await edge.stop();
      await admin?.close();
      await running.close();
      await services.close();
    },
  });
}

/** The CLI's way into a service that holds embedded PGlite; a failure leaves the service running. */
async function openAdminChannel(options: StartServiceOptions, services: AppServices): Promise<AdminChannel | null> {
  const lock = options.lock;
  const token = lock?.owner.token ?? null;
  if (lock === undefined || lock === null || token === null) return null;
  const commands = createCommandRegistry({
    clock: options.clock,
    access: createInProcessAppAccess(services),
    // only `serve` and `demo` use env, and the admin socket never runs those
    env: options.env,
  });
  const opened = await startAdminChannel({
    dataDir: lock.dataDir,
    token,
    config: options.config,
    commands,
    logger: options.logger,
  });
  if (!opened.ok) {
    options.logger.warn(
      { code: opened.error.code },
      `${opened.error.message} CLI commands are refused while this service runs.`,
    );
    return null;
  }
  lock.publishAdmin(opened.value.path);
  return opened.value;
}
