import { sql } from "drizzle-orm";
import { createTeamsBot } from "#adapters/teams/bot.js";
import type { Config } from "#config/config.js";
import type { Clock } from "#core/clock.js";
import { AppError } from "#core/errors.js";
import type { IdGenerator } from "#core/ids.js";
import type { Logger } from "#core/logger.js";
import { err, ok, type Result } from "#core/result.js";
import { createAdminHandler } from "./admin-endpoint.js";
import { createInProcessAppAccess } from "./cli/app-access.js";
import { createCommandRegistry } from "./cli/commands/registry.js";
import type { ConnectionTargets } from "./connection.js";
import { createHttpServer, listen, type Route } from "./http/server.js";
import { createMetricsRegistry } from "./metrics.js";
import type { DataDirLock } from "./process-lock.js";
import { createScheduler } from "./scheduler.js";
import { type AppServices, openServices } from "./services.js";
import { createConversationStore } from "./wiring/conversations.js";
import { createTeamsHandler } from "./wiring/teams-handler.js";

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
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly host?: string;
  readonly port?: number;
  /** PGlite: the data-directory lock, to publish the admin endpoint for other CLI processes */
  readonly lock?: DataDirLock | null;
  readonly dataDir?: string;
  readonly schedule?: boolean;
}

/** `abm serve`: HTTP server (chat endpoints, health, metrics, admin), scheduler, alerts. */
export async function startService(options: StartServiceOptions): Promise<Result<RunningService, AppError>> {
  const { config, logger, clock } = options;
  const opened = await openServices({
    config,
    targets: options.targets,
    logger,
    clock,
    ids: options.ids,
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
  });
  if (!opened.ok) return err(opened.error);
  const services = opened.value;
  const metrics = createMetricsRegistry();
  const cycles = metrics.counter("abm_sync_runs_total", "Sync runs by kind and outcome");
  const opsCounter = metrics.counter("abm_sync_operations_total", "Operations applied by action");
  services.events.subscribe((event) => {
    if (event.type !== "run_finished") return;
    cycles.inc({ kind: event.run.kind, outcome: event.run.outcome });
    for (const [action, count] of Object.entries(event.run.counts)) if (count > 0) opsCounter.inc({ action }, count);
  });

  const routes: Route[] = [];
  let teamsAnonymous: boolean | null = null;
  if (config.teams.enabled) {
    const bot = createTeamsBot({
      appId: config.teams.appId,
      ...(config.teams.appPassword === null ? {} : { appPassword: config.teams.appPassword }),
      ...(config.teams.tenantId === null ? {} : { tenantId: config.teams.tenantId }),
      appType: config.teams.appType,
      handler: createTeamsHandler(services.chat, createConversationStore(services)),
      logger: logger.child({ adapter: "teams" }),
    });
    teamsAnonymous = bot.anonymous;
    if (bot.anonymous)
      logger.warn(
        {},
        "TEAMS BOT IS ANONYMOUS: /api/messages accepts unauthenticated activities. Set MICROSOFT_APP_ID.",
      );
    routes.push({ method: "POST", path: "/api/messages", handler: (req, res) => bot.handleHttp(req, res) });
  }

  const token = options.lock?.owner.token ?? null;
  if (token !== null) {
    const commands = createCommandRegistry({ clock, access: createInProcessAppAccess(services), env: options.env });
    routes.push({
      method: "POST",
      path: "/_admin/cli",
      handler: createAdminHandler({ token, env: options.env, commands }),
    });
  }

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
    running = await listen(server, options.port ?? config.port, options.host ?? "127.0.0.1");
  } catch (error) {
    await services.close();
    return err(
      new AppError(
        "app.listen_failed",
        `Cannot listen on port ${options.port ?? config.port}: ${(error as Error).message}. Set PORT to a free port.`,
        { cause: error },
      ),
    );
  }
  options.lock?.publishAdmin(running.url);

  const scheduler = createScheduler({
    clock,
    logger,
    target: {
      dueAt: () => services.engine.dueAt(),
      runScheduled: async () => {
        const result = await services.engine.runCycle({
          kind: "incremental",
          trigger: "schedule",
          actor: { id: "system", platform: "system" },
        });
        if (!result.ok && result.error.code !== "engine.busy")
          logger.error({ code: result.error.code, err: result.error.message }, "scheduled cycle failed");
      },
    },
  });
  if (options.schedule ?? true) scheduler.start();

  return ok({
    services,
    url: running.url,
    port: running.port,
    teamsAnonymous,
    stop: async () => {
      await scheduler.stop();
      await running.close();
      await services.close();
    },
  });
}
