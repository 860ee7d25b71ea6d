/**
 * Standalone ABM SCIM emulator (for benches and manual runs):
 *   npx tsx emulators/abm/main.ts [--port 0] [--token T] [--next-token T2] [--seed 1] [--max-page-size 100] [--verified-domains a.com,b.com]
 * Prints one JSON line `{"abm":{"scimUrl","token"}}` (and `nextToken` when given), then serves until SIGINT/SIGTERM.
 */
import { parseArgs } from "node:util";
import { closeOnSignals } from "../close-on-signals.js";
import { startAbmEmulator } from "./server.js";

const { values } = parseArgs({
  options: {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "0" },
    token: { type: "string", default: "abm-emulator-token" },
    "next-token": { type: "string" },
    seed: { type: "string", default: "1" },
    "max-page-size": { type: "string", default: "100" },
    "verified-domains": { type: "string" },
  },
});

const domains = values["verified-domains"]
  ?.split(",")
  .map((d) => d.trim())
  .filter((d) => d !== "");
const emulator = await startAbmEmulator({
  host: values.host,
  port: Number(values.port),
  token: values.token,
  ...(values["next-token"] === undefined ? {} : { nextToken: values["next-token"] }),
  seed: Number(values.seed),
  maxPageSize: Number(values["max-page-size"]),
  ...(domains === undefined ? {} : { verifiedDomains: domains }),
});
const nextToken = emulator.nextToken === null ? {} : { nextToken: emulator.nextToken };
process.stdout.write(
  `${JSON.stringify({ abm: { scimUrl: emulator.scimUrl, token: emulator.token, ...nextToken } })}\n`,
);

closeOnSignals(emulator);
