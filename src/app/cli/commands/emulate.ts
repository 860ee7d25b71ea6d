import { toAppError } from "#core/errors.js";
import { type CliCommand, emitted, failure } from "../command.js";

/**
 * `abm emulate [--users N] [--seed S] [--graph-port P] [--abm-port P] [--abm-rate-limit N] [--abm-latency-ms N] [--abm-second-token]`:
 * both emulators until stopped; the rate limit and latency make the ABM emulator play a real, distant ABM, and
 * `--abm-second-token` makes it accept a second token (ABM_SCIM_TOKEN_NEXT).
 */
export function createEmulateCommand(): CliCommand {
  return {
    name: "emulate",
    usage:
      "abm emulate [--users N] [--seed S] [--graph-port P] [--abm-port P] [--abm-rate-limit N] [--abm-latency-ms N] [--abm-second-token]",
    summary: "Start the Graph (Entra), ABM SCIM and Apple Business API emulators on loopback until stopped",
    args: [],
    flags: [
      {
        name: "users",
        kind: "integer",
        valueName: "N",
        min: 0,
        max: 200000,
        summary: "users to seed in the Graph emulator (default 100)",
      },
      {
        name: "seed",
        kind: "integer",
        valueName: "S",
        min: 0,
        max: 2147483647,
        summary: "random seed for the generated users",
      },
      {
        name: "graph-port",
        kind: "integer",
        valueName: "P",
        min: 0,
        max: 65535,
        summary: "port of the Graph emulator (default: any free port)",
      },
      {
        name: "abm-port",
        kind: "integer",
        valueName: "P",
        min: 0,
        max: 65535,
        summary: "port of the ABM SCIM emulator (default: any free port)",
      },
      {
        name: "abm-rate-limit",
        kind: "integer",
        valueName: "N",
        min: 1,
        max: 1000000,
        summary: "ABM answers 429 with Retry-After above N SCIM requests per second (token bucket; default: no limit)",
      },
      {
        name: "abm-latency-ms",
        kind: "integer",
        valueName: "N",
        min: 0,
        max: 60000,
        summary: "ABM answers each SCIM request after N ms, like a distant server (default 0)",
      },
      {
        name: "abm-second-token",
        kind: "boolean",
        summary: "ABM also accepts a second token (for ABM_SCIM_TOKEN_NEXT; printed as abm.nextToken)",
      },
    ],
    run: async (ctx) => {
      const { startEmulators } = await import("../../emulators.js");
      const rateLimit = ctx.flags.integer("abm-rate-limit");
      const latency = ctx.flags.integer("abm-latency-ms");
      const abmFaults = {
        ...(rateLimit === undefined ? {} : { rateLimitPerSecond: rateLimit }),
        ...(latency === undefined ? {} : { latencyMs: latency }),
      };
      let pair: Awaited<ReturnType<typeof startEmulators>>;
      try {
        pair = await startEmulators({
          users: ctx.flags.integer("users") ?? 100,
          seed: ctx.flags.integer("seed") ?? 1,
          graphPort: ctx.flags.integer("graph-port") ?? 0,
          abmPort: ctx.flags.integer("abm-port") ?? 0,
          abmFaults,
          secondAbmToken: ctx.flags.boolean("abm-second-token"),
        });
      } catch (error) {
        return failure(toAppError(error, "emulator.start_failed"));
      }
      const { graph, abm, apple } = pair.connection;
      ctx.print(
        pair.connection,
        [
          "Emulators running on loopback (Ctrl-C stops them).",
          `Graph (Entra): ${graph.baseUrl}  authority ${graph.authorityHost}`,
          `  AZURE_TENANT_ID=${graph.tenantId} AZURE_CLIENT_ID=${graph.clientId} AZURE_CLIENT_SECRET=${graph.clientSecret}`,
          `  ABM_SERVICE_PRINCIPAL_ID=${graph.servicePrincipalId} GRAPH_BASE_URL=${graph.baseUrl} AZURE_AUTHORITY_HOST=${graph.authorityHost}`,
          `  trust its certificate with NODE_EXTRA_CA_CERTS=${graph.caCertPath}`,
          `ABM SCIM: ABM_SCIM_URL=${abm.scimUrl} ABM_SCIM_TOKEN=${abm.token}`,
          ...(abm.nextToken === undefined ? [] : [`  second token: ABM_SCIM_TOKEN_NEXT=${abm.nextToken}`]),
          `  APPLE_API_CLIENT_ID=${apple.clientId} APPLE_API_KEY_ID=${apple.keyId} APPLE_API_PRIVATE_KEY=${apple.privateKeyPath}`,
          ...(rateLimit === undefined && latency === undefined
            ? []
            : [
                `  playing a distant ABM: ${rateLimit === undefined ? "no rate limit" : `${rateLimit} requests/s (429 + Retry-After above)`}, ${latency ?? 0} ms per request`,
              ]),
          "Control APIs: <graph>/_emulator/state, <abm>/_emulator/stats, <apple>/_emulator/users (see docs/contracts.md §5).",
        ].join("\n"),
      );
      await new Promise<void>((resolve) => {
        if (ctx.signal.aborted) resolve();
        else ctx.signal.addEventListener("abort", () => resolve(), { once: true });
      });
      await pair.close();
      return emitted();
    },
  };
}
