import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "#config/config.js";
import type { Clock } from "#core/clock.js";
import { AppError } from "#core/errors.js";
import { randomIds } from "#core/ids.js";
import type { ConnectionTargets } from "../../connection.js";
import { createLogger, logFormatFor } from "../../logger.js";
import { acquireDataDirLock } from "../../process-lock.js";
import type { RunningService } from "../../runtime.js";
import { type CommandContext, type CommandOutcome, emitted, failure, openFailure } from "../command.js";

export interface ServiceRunDeps {
  readonly clock: Clock;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Runs the service until SIGINT/SIGTERM; `banner` says what runs and how to use it. */
export async function runServiceUntilStopped(
  ctx: CommandContext,
  deps: ServiceRunDeps,
  config: Config,
  targets: Readonly<Record<string, ConnectionTargets>>,
  banner: (service: RunningService) => { data: Record<string, unknown>; text: string },
  options: { dataDir?: string; fresh?: boolean; onStop?: () => Promise<void>; printUnroutedAlerts?: boolean } = {},
): Promise<CommandOutcome> {
  const lock =
    config.database.kind === "pglite" ? acquireDataDirLock(config.database.dataDir, "serve", ctx.command) : null;
  if (lock !== null && !lock.ok) {
    await options.onStop?.(); // the demo's emulators would keep the process alive
    return openFailure(lock.error);
  }
  if (options.fresh === true && options.dataDir !== undefined)
    rmSync(options.dataDir, { recursive: true, force: true });
  const logger = createLogger({
    level: "info",
    destination: process.stderr,
    format: logFormatFor(config.logFormat, process.stderr),
  });
  const { startService } = await import("../../runtime.js");
  const started = await startService({
    config,
    targets,
    env: deps.env,
    logger,
    clock: deps.clock,
    ids: randomIds,
    lock: lock?.value ?? null,
    ...(options.printUnroutedAlerts === true ? { unroutedAlerts: (text: string) => ctx.stderr.write(text) } : {}),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
  });
  if (!started.ok) {
    lock?.value.release();
    await options.onStop?.();
    return failure(started.error);
  }
  const service = started.value;
  const { data, text } = banner(service);
  ctx.print(data, text);
  await new Promise<void>((resolve) => {
    if (ctx.signal.aborted) resolve();
    else ctx.signal.addEventListener("abort", () => resolve(), { once: true });
  });
  ctx.stderr.write("\nStopping: a cycle in flight stops after its requests in flight and releases its lease…\n");
  await service.stop();
  await options.onStop?.();
  lock?.value.release();
  return emitted();
}

export function demoDataDir(config: Config): string {
  return join(config.database.dataDir, "demo");
}

export function notConfigured(): CommandOutcome {
  return failure(
    new AppError(
      "cli.not_configured",
      "Nothing of ABM or Azure is configured, so there is nothing to serve. Run `npm start` (the demo) or set the variables in .env.example.",
    ),
  );
}
