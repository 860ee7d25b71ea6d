import { toAppError } from "#core/errors.js";
import { DEMO_DELETION_THRESHOLD, DEMO_INTERVAL_MS, demoChatConfig, PLAYGROUND_USER } from "../../demo-chat.js";
import { type CliCommand, failure } from "../command.js";
import { demoDataDir, runServiceUntilStopped, type ServiceRunDeps } from "./run-service.js";

const DEMO_USERS = 300;

/**
 * `abm demo`: both emulators in-process, a seeded directory, PGlite, a short interval, the HTTP
 * server — and chat: anonymous Teams for the local Agents Playground, its user operator and
 * approver, a threshold one command trips, and alerts printed here while no channel is bound.
 */
export function createDemoCommand(deps: ServiceRunDeps): CliCommand {
  return {
    name: "demo",
    usage: "abm demo",
    summary: "Run the service against the local Entra and ABM emulators, with sample users",
    args: [],
    flags: [],
    run: async (ctx) => {
      const { targetsFromEmulators } = await import("../../connection.js");
      const { assignDemoScope, seedAppleDemo, startEmulators } = await import("../../emulators.js");
      let pair: Awaited<ReturnType<typeof startEmulators>>;
      try {
        pair = await startEmulators({ users: DEMO_USERS, seed: 42, problemRate: 0.05 });
      } catch (error) {
        return failure(toAppError(error, "emulator.start_failed"));
      }
      const { assigned, groupId, assignedIds } = assignDemoScope(pair.graph);
      const handMade = seedAppleDemo(pair, assignedIds);
      const { config, playground } = demoChatConfig(ctx.config);
      const targets = { default: targetsFromEmulators(pair) };
      const graph = pair.graph;
      return runServiceUntilStopped(
        ctx,
        deps,
        config,
        targets,
        (service) => ({
          data: {
            url: service.url,
            emulators: pair.connection,
            teamsPlayground: playground,
            tripThreshold: tripCommand(graph.caCertPath, graph.baseUrl, groupId),
          },
          text: [
            "abm-chatops DEMO — nothing is configured, so everything runs locally:",
            `  Entra (Graph) emulator  ${graph.baseUrl}  with ${DEMO_USERS} users (about 5% with problems ABM rejects), verified domain ${graph.verifiedDomain}`,
            `                          ${assigned} of them assigned to the ABM app (a group of direct members, a few users; a nested group is left out)`,
            `  ABM SCIM emulator       ${pair.abm.scimUrl}`,
            `  Apple Business API      ${pair.apple.apiUrl}  with hand-made accounts: admin ${handMade.admin ?? "—"}, locked ${handMade.locked ?? "—"}, orphan ${handMade.orphan}`,
            `  Embedded PGlite         ${demoDataDir(ctx.config)} (fresh for each demo)`,
            `  Service                 ${service.url}  (cycles every ${DEMO_INTERVAL_MS / 1000}s; the first one starts now)`,
            `  Deletion threshold      ${DEMO_DELETION_THRESHOLD} (more removals than that in one cycle wait for an approval)`,
            "",
            ...(playground
              ? [
                  "Chat in Teams without Azure (Teams runs ANONYMOUSLY here: this machine only):",
                  `  npm run teams:playground -- --port ${service.port}     then open http://127.0.0.1:56150`,
                  `  You are ${PLAYGROUND_USER.name} (${PLAYGROUND_USER.entraObjectId}): operator and approver in this demo.`,
                  "  Personal chat: status, errors, history, check <user>, help.",
                  "  Team IT → channel Apple admins: @mention the bot, then `alerts here` — alerts and approvals go there.",
                ]
              : [`Teams: the configured bot answers on ${service.url}/api/messages (no local playground).`]),
            "",
            "Trip the deletion threshold (unassigns the app's main group; the next cycle holds the batch):",
            `  ${tripCommand(graph.caCertPath, graph.baseUrl, groupId)}`,
            "",
            "Or use the CLI, in another terminal:",
            "  npm run abm -- status        npm run abm -- errors        npm run abm -- history",
            "  npm run abm -- reconcile     (Entra against Apple's own users, after the first cycle)",
            "  npm run abm -- check <userPrincipalName from the errors list>     npm run abm -- approvals",
            "",
            "Until a channel is bound with `alerts here`, alerts are printed here.",
            "",
            "Slack (no local client: Slack needs a public HTTPS URL):",
            `  1. expose this port, e.g. \`cloudflared tunnel --url ${service.url}\` or \`ngrok http ${service.port}\``,
            "  2. in manifest/slack/manifest.yaml replace YOUR-HOST with the tunnel's host name; Slack → Your Apps →",
            "     Create New App → From a manifest; then Install to Workspace",
            "  3. restart the demo with SLACK_BOT_TOKEN=xoxb-… (OAuth & Permissions) and SLACK_SIGNING_SECRET=… (Basic Information)",
            "  4. `/abm status` in any channel; `/abm alerts here` sends alerts and approvals to that channel",
            "Ctrl-C stops the demo.",
          ].join("\n"),
        }),
        { dataDir: demoDataDir(ctx.config), fresh: true, onStop: () => pair.close(), printUnroutedAlerts: true },
      );
    },
  };
}

/** The one command that unassigns the demo's main group from the app in the Graph emulator. */
function tripCommand(caCertPath: string, graphUrl: string, groupId: string): string {
  return `curl -s --cacert ${caCertPath} -X DELETE ${graphUrl}/_emulator/assignments/${groupId}`;
}
