import { createInProcessAppAccess } from "#app/cli/app-access.js";
import { createCommandRegistry } from "#app/cli/commands/registry.js";
import { runCli } from "#app/cli/router.js";
import type { AppServices } from "#app/services.js";
import type { Config } from "#config/config.js";
import { systemClock } from "#core/clock.js";
import type { AppError } from "#core/errors.js";
import type { Result } from "#core/result.js";

export interface AbmRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `abm <argv>` in this process against open services: the router and command registry the bin
 * uses, with the in-process access a running service gives its admin socket. For tests of what a
 * command answers; the spawned bin and the admin socket have their own tests.
 */
export async function abmInProcess(
  services: AppServices,
  config: Result<Config, AppError>,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): Promise<AbmRun> {
  let stdout = "";
  let stderr = "";
  const code = await runCli({
    argv,
    config,
    stdout: {
      write: (text) => {
        stdout += text;
      },
    },
    stderr: {
      write: (text) => {
        stderr += text;
      },
    },
    commands: createCommandRegistry({ clock: systemClock, access: createInProcessAppAccess(services), env }),
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}
