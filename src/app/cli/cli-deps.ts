import type { Clock } from "#core/clock.js";
import type { AppAccess } from "./app-access.js";

/**
 * What CLI commands may use besides the validated config (`ctx.config`). `main.ts` builds it; the
 * registry hands each command factory the part it needs. Later issues add their services here
 * (for instance `openApp(config)` returning the engine, store and approvals), so that a command
 * file only changes its own factory signature and `run`.
 */
export interface CliDeps {
  readonly clock: Clock;
  /** how engine commands reach the services (this process, or the running service) */
  readonly access: AppAccess;
  /** the environment the configuration came from (the service hands it to forwarded CLI commands) */
  readonly env: Readonly<Record<string, string | undefined>>;
}
