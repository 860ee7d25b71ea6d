import { parseArgs } from "node:util";
import { closeOnSignals } from "../close-on-signals.js";
import { startGraphEmulator } from "./start-graph-emulator.js";

/**
 * Standalone Graph emulator: `tsx emulators/graph/main.ts [--users N] [--seed S] [--port P] [--page-size N]`.
 * Prints one JSON line with the connection settings (the Graph part of `abm emulate --json`) and
 * serves until SIGINT/SIGTERM. Other processes trust it with `NODE_EXTRA_CA_CERTS=<caCertPath>`.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      users: { type: "string", default: "100" },
      seed: { type: "string", default: "1" },
      port: { type: "string", default: "0" },
      "page-size": { type: "string", default: "200" },
      "problem-rate": { type: "string", default: "0.05" },
    },
  });
  const emulator = await startGraphEmulator({
    users: Number(values.users),
    seed: Number(values.seed),
    port: Number(values.port),
    pageSize: Number(values["page-size"]),
    problemRate: Number(values["problem-rate"]),
  });
  const { baseUrl, authorityHost, tenantId, clientId, clientSecret, servicePrincipalId, caCertPath } = emulator;
  process.stdout.write(
    `${JSON.stringify({ graph: { baseUrl, authorityHost, tenantId, clientId, clientSecret, servicePrincipalId, caCertPath } })}\n`,
  );
  closeOnSignals(emulator);
}

main().catch((error: unknown) => {
  process.stderr.write(`graph emulator failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
