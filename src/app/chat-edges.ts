import type { Config, SlackConfig } from "#config/config.js";
import { createConnectionRouter } from "#core/chat/connection-router.js";
import type { Logger } from "#core/logger.js";
import type { MessagePlatform } from "#core/platform.js";
import { createConversationReferences } from "#db/repositories/conversation-repository.js";
import { activityChannelNotifier, slackChannelNotifier } from "./alerts/notifiers.js";
import type { ChannelNotifier, NotifierMap } from "./alerts/ports.js";
import { inlineChartImage } from "./charts/chart-image.js";
import { createChartLinks } from "./charts/chart-links.js";
import type { Route } from "./http/server.js";
import { type AppServices, routedConnection } from "./services.js";
import { createSlackPeople, slackProfilesFrom, withResolvedActors } from "./slack-people.js";

/**
 * One chat platform as the service runs it. Slack and Teams both call the same chat core
 * (each connection's, behind the connection router: `handle` / `handleAction`) and deliver every reply it produces; the alert
 * outbox posts, threads and edits (approval refreshes included) through `notifier`.
 */
export interface ChatEdge {
  readonly platform: MessagePlatform;
  /** HTTP routes on the service's server (`POST /slack/events`, `POST /api/messages`) */
  readonly routes: readonly Route[];
  /** what the alert outbox posts and edits through */
  readonly notifier: ChannelNotifier;
  /** true when inbound requests are NOT authenticated (Teams without MICROSOFT_APP_ID) */
  readonly anonymous: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type RefusalAudit = (
  platform: MessagePlatform,
  actor: string | null,
  command: string,
  target: string | null,
  detail: string,
) => Promise<void>;

/**
 * Builds the configured edges, in one go, over the services (chat cores, database) that exist
 * already. A platform's SDK (Bolt, botbuilder) is loaded only when that platform is configured:
 * together they are tens of MB of a process that may serve neither. Refusals of strangers (another
 * workspace or tenant) belong to no organization: they are audited in the first connection's log.
 */
export async function createChatEdges(config: Config, services: AppServices, logger: Logger): Promise<ChatEdge[]> {
  const { audit } = services.connections[0];
  const auditRefusal: RefusalAudit = async (platform, actor, command, target, detail) => {
    const saved = await audit.record({
      actor: actor ?? "unknown",
      platform,
      command,
      target,
      outcome: "refused",
      detail,
    });
    if (!saved.ok) logger.error({ code: saved.error.code }, "audit entry could not be written");
  };
  const edges: ChatEdge[] = [];
  if (config.slack.enabled) edges.push(await slackEdge(config.slack, config.publicUrl, services, logger, auditRefusal));
  if (config.teams.enabled) edges.push(await teamsEdge(config, services, logger, auditRefusal));
  return edges;
}

/** The outbox's notifiers, one per platform. */
export function notifiersOf(edges: readonly ChatEdge[]): NotifierMap {
  const notifiers: NotifierMap = {};
  for (const edge of edges) notifiers[edge.platform] = edge.notifier;
  return notifiers;
}

async function slackEdge(
  slack: Extract<SlackConfig, { enabled: true }>,
  publicUrl: string | null,
  services: AppServices,
  logger: Logger,
  auditRefusal: RefusalAudit,
): Promise<ChatEdge> {
  const { createSlackAdapter, createSlackWebClient } = await import("#adapters/slack/index.js");
  const slackLogger = logger.child({ adapter: "slack" });
  // the one Web API client of the process: adapter, notifier, workspace check and profile look-ups
  const client = createSlackWebClient({
    botToken: slack.botToken,
    apiUrl: slack.apiUrl,
    logger: slackLogger,
  });
  // a Slack user is resolved in each organization's own Entra tenant (roles may be per connection)
  const profiles = slackProfilesFrom(client);
  const chat = createConnectionRouter(
    services.connections.map((connection) =>
      routedConnection(
        connection,
        withResolvedActors(
          connection.chat,
          createSlackPeople({ profiles, directory: connection.directory, clock: services.clock, logger }),
        ),
      ),
    ),
  );
  // Slack shows an image only from a URL it fetches: charts are served here when the service knows its public URL
  const charts =
    publicUrl === null ? null : createChartLinks({ publicUrl, secret: slack.signingSecret, clock: services.clock });
  const adapter = createSlackAdapter({
    ...(charts === null ? {} : { chartImage: charts.url }),
    signingSecret: slack.signingSecret,
    botToken: slack.botToken,
    ...(slack.appToken === null ? {} : { appToken: slack.appToken }),
    apiUrl: slack.apiUrl,
    client,
    chat,
    logger: slackLogger,
    seenRequests: services.seenRequests,
    onForeign: (r) =>
      auditRefusal("slack", r.userId, r.kind, [...r.teamIds, r.enterpriseId, r.appId].join(" "), r.reason),
  });
  return {
    platform: "slack",
    routes: [
      { method: "POST", path: "/slack/events", handler: (req, res) => adapter.handleHttp(req, res) },
      ...(charts === null ? [] : [charts.route]),
    ],
    notifier: slackChannelNotifier(adapter.notifier),
    anonymous: false,
    start: () => adapter.start(),
    stop: () => adapter.stop(),
  };
}

async function teamsEdge(
  config: Config,
  services: AppServices,
  logger: Logger,
  auditRefusal: RefusalAudit,
): Promise<ChatEdge> {
  const { createTeamsBot, createTeamsNotifier } = await import("#adapters/teams/index.js");
  const [first, ...others] = services.connections;
  // one organization: its tenant is the bot's; several: only MICROSOFT_APP_TENANT_ID says which tenant
  const fallbackTenant = others.length === 0 ? first.config.azure.tenantId : null;
  const allowedTenant = config.teams.anonymous ? null : (config.teams.tenantId ?? fallbackTenant);
  if (!config.teams.anonymous && allowedTenant === null)
    logger.warn(
      { code: "teams.no_tenant" },
      "Neither MICROSOFT_APP_TENANT_ID nor (with one connection) AZURE_TENANT_ID is set: Teams activities from any tenant are accepted.",
    );
  // a conversation reference describes a Teams conversation, not an organization: kept under the first connection
  const conversations = createConversationReferences(services.database.db, first.connectionId, () =>
    services.clock.now(),
  );
  const bot = createTeamsBot({
    ...(config.teams.appId === null ? {} : { appId: config.teams.appId }),
    ...(config.teams.appPassword === null ? {} : { appPassword: config.teams.appPassword }),
    ...(config.teams.tenantId === null ? {} : { tenantId: config.teams.tenantId }),
    appType: config.teams.appType,
    chat: createConnectionRouter(
      services.connections.map((connection) => routedConnection(connection, connection.chat)),
    ),
    conversations,
    logger: logger.child({ adapter: "teams" }),
    // anonymous local Teams has no tenant to check
    ...(allowedTenant === null ? {} : { allowedTenantId: allowedTenant }),
    onForeign: (o) => auditRefusal("teams", o.userId, o.type, o.tenantId, "activity from another tenant"),
    // Adaptive Cards take images as data: URIs, so charts travel inside the card
    chartImage: inlineChartImage,
  });
  const notifier = createTeamsNotifier({
    transport: bot.transport,
    store: conversations,
    logger,
    chartImage: inlineChartImage,
  });
  return {
    platform: "teams",
    routes: [{ method: "POST", path: "/api/messages", handler: (req, res) => bot.handleHttp(req, res) }],
    notifier: activityChannelNotifier(notifier),
    anonymous: bot.anonymous,
    start: async () => undefined,
    stop: async () => undefined,
  };
}
