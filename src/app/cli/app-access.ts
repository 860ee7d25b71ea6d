import { userInfo } from "node:os";
import type { Config } from "#config/config.js";
import type { ChatActor } from "#core/chat/ports.js";
import type { Clock } from "#core/clock.js";
import { AppError } from "#core/errors.js";
import { randomIds } from "#core/ids.js";
import type { Actor } from "#core/ports/provisioning-engine.js";
import { err, ok, type Result } from "#core/result.js";
import { createLogger, logFormatFor } from "../logger.js";
import { acquireDataDirLock } from "../process-lock.js";
import type { AppServices } from "../services.js";
import type { Writer } from "./command.js";

/** How a command reaches the engine: the running service's own services, or its own for one command. */
export interface AppAccess {
  open(config: Config, stderr: Writer, progress: boolean): Promise<Result<AppLease, AppError>>;
}

export interface AppLease {
  readonly services: AppServices;
  release(): Promise<void>;
}

export function cliActor(): { actor: Actor; chatActor: ChatActor } {
  let name = "local";
  try {
    name = userInfo().username;
  } catch {
    // no passwd entry (containers): keep "local"
  }
  const id = `cli:${name}`;
  return { actor: { id, platform: "cli", displayName: name }, chatActor: { platform: "cli", id, displayName: name } };
}

function progressBar(stderr: Writer): (done: number, total: number) => void {
  let last = -1;
  return (done, total) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (pct === last && done !== total) return;
    last = pct;
    const width = 30;
    const filled = Math.round((pct / 100) * width);
    stderr.write(
      `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${pct}% ${done}/${total}${done === total ? "\n" : ""}`,
    );
  };
}

/** Opens the services in this process (the CLI when no service holds the embedded database). */
export function createLocalAppAccess(deps: { clock: Clock }): AppAccess {
  return {
    async open(config, stderr, progress) {
      if (config.demo) {
        return err(
          new AppError(
            "cli.demo_not_running",
            "Nothing is configured, so there is only the demo: start it with `npm start` (or `abm demo`) and run this command again in another terminal.",
          ),
        );
      }
      // loaded on demand: `abm help` and `abm config check` stay fast
      const { targetsFromConfig } = await import("../connection.js");
      const { openServices } = await import("../services.js");
      const targets = targetsFromConfig(config);
      if (!targets.ok) return err(targets.error);
      const lock =
        config.database.kind === "pglite"
          ? acquireDataDirLock(config.database.dataDir, "cli", process.argv.slice(2).join(" "))
          : null;
      if (lock !== null && !lock.ok) return err(lock.error);
      const logger = createLogger({
        level: "warn",
        destination: process.stderr,
        format: logFormatFor(config.logFormat, process.stderr),
      });
      const showProgress = progress && (process.stderr as NodeJS.WriteStream).isTTY === true;
      const services = await openServices({
        config,
        targets: targets.value,
        logger,
        clock: deps.clock,
        ids: randomIds,
        ...(showProgress ? { onProgress: progressBar(stderr) } : {}),
      });
      if (!services.ok) {
        lock?.value.release();
        return err(services.error);
      }
      return ok({
        services: services.value,
        release: async () => {
          await services.value.close();
          lock?.value.release();
        },
      });
    },
  };
}

/** Inside the running service: commands use its services and close nothing. */
export function createInProcessAppAccess(services: AppServices): AppAccess {
  return {
    open: async () => ok({ services, release: async () => undefined }),
  };
}
