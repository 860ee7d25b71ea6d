import { loadConfig } from "#config/load-config.js";
import { systemClock } from "#core/clock.js";
import { createLocalAppAccess } from "./app-access.js";
import { createCommandRegistry } from "./commands/registry.js";
import { forwardToService } from "./forward.js";
import { runCli } from "./router.js";

// The `abm` entry point: wires the process to the router. Commands close what they open, so the
// process ends on its own; the exit code is set, not forced, to let output drain.
// Everything this process creates (the data directory, PGlite files, owner.json, the admin
// socket) is private to the user running it.
process.umask(0o077);
const controller = new AbortController();
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  // `once`: a second Ctrl-C falls back to Node's default and ends a stuck process.
  process.once(signal, () => controller.abort(new Error(`received ${signal}`)));
}
const argv = process.argv.slice(2);
// The one place the CLI reads the configuration: forwarding and the command itself use this result.
const config = loadConfig(process.env);
const forwarded = config.ok ? await forwardToService(argv, config.value, process.stdout, process.stderr) : null;
process.exitCode =
  forwarded ??
  (await runCli({
    argv,
    config,
    stdout: process.stdout,
    stderr: process.stderr,
    commands: createCommandRegistry({
      clock: systemClock,
      access: createLocalAppAccess({ clock: systemClock }),
      env: process.env,
    }),
    signal: controller.signal,
  }));
