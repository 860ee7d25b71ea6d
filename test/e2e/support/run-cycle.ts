/**
 * A child process for the kill-and-restart test: opens the services on the given database (a PGlite
 * data directory or a Postgres URL) against emulators that run in the PARENT process, runs one
 * cycle, prints the run as one JSON line and exits. The parent kills it with SIGKILL mid-cycle.
 *
 *   node --import tsx test/e2e/support/run-cycle.ts   (input: E2E_CHILD as JSON, see child-input.ts)
 */
import { readFile } from "node:fs/promises";
import type { ConnectionTargets } from "#app/connection.js";
import { openServices } from "#app/services.js";
import { loadConfig } from "#config/load-config.js";
import { systemClock } from "#core/clock.js";
import { randomIds } from "#core/ids.js";
import { silentLogger } from "#core/logger.js";
import { childInputSchema } from "./child-input.js";

async function main(): Promise<number> {
  const input = childInputSchema.parse(JSON.parse(process.env.E2E_CHILD ?? "null"));
  const config = loadConfig(input.env);
  if (!config.ok) throw config.error;
  const { graph, abm } = input;
  const targets: ConnectionTargets = {
    graph: {
      tenantId: graph.tenantId,
      clientId: graph.clientId,
      clientSecret: graph.clientSecret,
      authorityHost: graph.authorityHost,
      graphBaseUrl: graph.baseUrl,
      servicePrincipalId: graph.servicePrincipalId,
      trustedCaPem: await readFile(graph.caCertPath, "utf8"),
    },
    scim: { url: abm.scimUrl, token: abm.token, tokenExpiresAt: null, nextToken: null, nextTokenExpiresAt: null },
    verifiedDomains: [graph.verifiedDomain],
  };
  const clock = { now: () => new Date(Date.now() + input.clockOffsetMs), sleep: systemClock.sleep };
  const opened = await openServices({
    config: config.value,
    targets: { default: targets },
    logger: silentLogger,
    clock,
    ids: randomIds,
    dataDir: input.dataDir,
    ...(input.databaseUrl === undefined ? {} : { databaseUrl: input.databaseUrl }),
  });
  if (!opened.ok) throw opened.error;
  const services = opened.value;
  try {
    process.stdout.write("ready\n");
    const run = await services.connections[0].engine.runCycle({
      kind: "incremental",
      trigger: "cli",
      actor: { id: "cli:e2e-child", platform: "cli" },
    });
    if (!run.ok) throw run.error;
    process.stdout.write(`${JSON.stringify({ outcome: run.value.outcome, counts: run.value.counts })}\n`);
    return 0;
  } finally {
    await services.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    process.exit(1);
  },
);
