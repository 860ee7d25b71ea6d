import { toAppError } from "#core/errors.js";
import { type CliCommand, failure } from "../command.js";
import { demoDataDir, runServiceUntilStopped, type ServiceRunDeps } from "./run-service.js";

const DEMO_USERS = 300;
const DEMO_INTERVAL_MS = 30_000;

/** `abm demo`: both emulators in-process, a seeded directory, PGlite, a short interval, the HTTP server. */
export function createDemoCommand(deps: ServiceRunDeps): CliCommand {
  return {
    name: "demo",
    usage: "abm demo",
    summary: "Run the service against the local Entra and ABM emulators, with sample users",
    args: [],
    flags: [],
    run: async (ctx) => {
      const { targetsFromEmulators } = await import("../../connection.js");
      const { assignDemoScope, startEmulators } = await import("../../emulators.js");
      let pair: Awaited<ReturnType<typeof startEmulators>>;
      try {
        pair = await startEmulators({ users: DEMO_USERS, seed: 42, problemRate: 0.05 });
      } catch (error) {
        return failure(toAppError(error, "emulator.start_failed"));
      }
      const { assigned } = assignDemoScope(pair.graph);
      const config = { ...ctx.config, sync: { ...ctx.config.sync, intervalMs: DEMO_INTERVAL_MS } };
      const targets = targetsFromEmulators(pair);
      return runServiceUntilStopped(
        ctx,
        deps,
        config,
        targets,
        (service) => ({
          data: { url: service.url, emulators: pair.connection },
          text: [
            "abm-chatops DEMO — nothing is configured, so everything runs locally:",
            `  Entra (Graph) emulator  ${pair.graph.baseUrl}  with ${DEMO_USERS} users (about 5% with problems ABM rejects), verified domain ${pair.graph.verifiedDomain}`,
            `                          ${assigned} of them assigned to the ABM app (a group of direct members, a few users; a nested group is left out)`,
            `  ABM SCIM emulator       ${pair.abm.scimUrl}`,
            `  Embedded PGlite         ${demoDataDir(ctx.config)} (fresh for each demo)`,
            `  Service                 ${service.url}  (cycles every ${DEMO_INTERVAL_MS / 1000}s; the first one starts now)`,
            "",
            "Try, in another terminal:",
            "  npm run abm -- status        npm run abm -- errors        npm run abm -- history",
            "  npm run abm -- check <userPrincipalName from the errors list>",
            `  curl -s ${pair.graph.baseUrl}/_emulator/state  (add users, delete some, watch the next cycle; curl -k for the self-signed cert)`,
            "",
            "Connect chat (optional): Slack — create the app from manifest/slack/manifest.yaml and set SLACK_BOT_TOKEN and",
            `SLACK_SIGNING_SECRET; its request URL is https://<your tunnel>/slack/events → ${service.url}/slack/events.`,
            "Teams — `npm run teams:package`, set MICROSOFT_APP_ID/PASSWORD/TENANT_ID, messaging endpoint /api/messages.",
            "Ctrl-C stops the demo.",
          ].join("\n"),
        }),
        { dataDir: demoDataDir(ctx.config), fresh: true, onStop: () => pair.close() },
      );
    },
  };
}
