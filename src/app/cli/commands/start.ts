import type { CliCommand } from "../command.js";

/** `abm start`: the demo when the configuration is in demo mode, the service otherwise. */
export function createStartCommand(targets: { readonly serve: CliCommand; readonly demo: CliCommand }): CliCommand {
  return {
    name: "start",
    usage: "abm start",
    summary: "Start: `abm demo` when nothing of ABM/Azure is configured, `abm serve` otherwise",
    args: [],
    flags: [],
    run: (ctx) => (ctx.config.demo ? targets.demo.run(ctx) : targets.serve.run(ctx)),
  };
}
