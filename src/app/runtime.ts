import { sql } from "drizzle-orm";
import type { Config } from "#config/config.js";
import type { Clock } from "#core/clock.js";
import { AppError } from "#core/errors.js";
import type { IdGenerator } from "#core/ids.js";
import type { Logger } from "#core/logger.js";
import type { ScimClientStatus } from "#core/ports/scim-target.js";
import { err, ok, type Result } from "#core/result.js";
import { createIncidentStore } from "#db/repositories/alert-repository.js";
import { createOutboxStore } from "#db/repositories/outbox-repository.js";
import { type AdminChannel, startAdminChannel } from "./admin-socket.js";
import { createAlertRouteSource } from "./alert-routes.js";
import { createAlertDispatcher } from "./alerts/dispatcher.js";
import { createOutboxWorker } from "./alerts/outbox-worker.js";
import { terminalAlert } from "./alerts/terminal.js";
import { createChatEdges, notifiersOf } from "./chat-edges.js";
import { createInProcessAppAccess } from "./cli/app-access.js";
import { createCommandRegistry } from "./cli/commands/registry.js";
import type { ConnectionTargets } from "./connection.js";
import { createHttpServer, listen, type Route } from "./http/server.js";
import { createMetricsRegistry, type MetricsRegistry } from "./metrics.js";
import type { DataDirLock } from "./process-lock.js";
import { createScheduler } from "./scheduler.js";
import { type AppServices, openServices } from "./services.js";

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
  readonly targets: ConnectionTargets;
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

function engineMetrics(services: AppServices, metrics: MetricsRegistry): void {
  const runs = metrics.counter("abm_sync_runs_total", "Sync runs by kind and outcome");
  const ops = metrics.counter("abm_sync_operations_total", "Operations applied by action");
  const failing = metrics.gauge("abm_sync_failing_users", "Users currently failing (escrow)");
  services.events.subscribe((event) => {
    if (event.type !== "run_finished") return;
    runs.inc({ kind: event.run.kind, outcome: event.run.outcome });
    for (const [action, count] of Object.entries(event.run.counts)) if (count > 0) ops.inc({ action }, count);
    failing.set(event.failures.length);
  });
}

/** The native engine's SCIM client, read at each scrape (no samples with the entra engine). */
function scimClientMetrics(services: AppServices, metrics: MetricsRegistry): void {
  const read = (pick: (client: ScimClientStatus) => number) => (): number | null => {
    const client = services.engine.scimClient();
    return client === null ? null : pick(client);
  };
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
 * `abm serve`: HTTP server (chat endpoints, health, metrics), scheduler, alerts, and with embedded
 * PGlite the admin socket in the data directory (never a route of the HTTP server).
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
  const { connectionId } = services;
  const metrics = createMetricsRegistry();
  engineMetrics(services, metrics);
  scimClientMetrics(services, metrics);

  const edges = createChatEdges(config, services, logger);
  const teamsAnonymous = edges.find((edge) => edge.platform === "teams")?.anonymous ?? null;
  if (teamsAnonymous === true) {
    logger.warn(
      { code: "teams.anonymous" },
      "TEAMS BOT IS ANONYMOUS (TEAMS_ALLOW_ANONYMOUS): /api/messages accepts unauthenticated activities. For a local client on this machine only; a real bot needs MICROSOFT_APP_ID.",
    );
  }
  const routes: Route[] = edges.flatMap((edge) => edge.routes);

  // alerts instead of e-mail: engine events → incidents → durable outbox → one message/s per channel
  const incidents = createIncidentStore(services.database.db, connectionId, () => clock.now());
  const outbox = createOutboxStore(services.database.db, connectionId);
  const dispatcher = createAlertDispatcher({
    incidents,
    outbox,
    routes: createAlertRouteSource(config, services.alertRoutes),
    config: { links: services.links },
    clock,
    ids,
    logger: logger.child({ component: "alerts" }),
    unrouted:
      options.unroutedAlerts === undefined
        ? null
        : (reply, approvalId) => options.unroutedAlerts?.(terminalAlert(reply, approvalId)),
  });
  const unsubscribe = services.events.subscribe((event) => dispatcher.emit(event));
  const worker = createOutboxWorker({
    outbox,
    incidents,
    approvals: services.approvals,
    notifiers: notifiersOf(edges),
    links: services.links,
    clock,
    logger: logger.child({ component: "outbox" }),
  });
  const expiresAt = options.targets.scim.tokenExpiresAt;
  const checkToken = (): void => {
    if (expiresAt === null) return;
    dispatcher.checkToken(expiresAt).then(
      (r) => {
        if (!r.ok) logger.warn({ code: r.error.code }, "token expiry check failed");
      },
      (error: unknown) => logger.error({ err: String(error) }, "token expiry check failed"),
    );
  };
  checkToken();
  const tokenTimer = setInterval(checkToken, TOKEN_CHECK_MS);
  tokenTimer.unref();

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
    clearInterval(tokenTimer);
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
  worker.start();

  const scheduler = createScheduler({
    clock,
    logger,
    target: { dueAt: () => services.engine.dueAt(), runScheduled: () => services.engine.runScheduled() },
  });
  if (options.schedule ?? true) scheduler.start();

  return ok({
    services,
    url: running.url,
    port: running.port,
    teamsAnonymous,
    stop: async () => {
      clearInterval(tokenTimer);
      await scheduler.stop();
      unsubscribe();
      await dispatcher.idle();
      await worker.stop();
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
