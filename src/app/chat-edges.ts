import {
  createSlackAdapter,
  createSlackMessageEditor,
  createSlackWebClient,
  type SlackAdapter,
} from "#adapters/slack/index.js";
import { createTeamsBot, createTeamsNotifier, type TeamsNotifier } from "#adapters/teams/index.js";
import type { Config } from "#config/config.js";
import type { MessageEditor } from "#core/chat/ports.js";
import { AppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import { err } from "#core/result.js";
import { activityChannelNotifier, slackChannelNotifier } from "./alerts/notifiers.js";
import type { NotifierMap } from "./alerts/ports.js";
import { createRoutingMessageEditor } from "./alerts/routing-editor.js";
import type { Route } from "./http/server.js";
import type { AppServices } from "./services.js";
import { createAuditSink } from "./wiring/chat-stores.js";
import { createConversationStore } from "./wiring/conversations.js";
import { createSlackPeople, slackProfilesFrom, withResolvedActors } from "./wiring/slack-people.js";
import { createTeamsHandler } from "./wiring/teams-handler.js";

/** Slack and Teams, as configured: HTTP routes, message editing and alert notifiers. */
export interface ChatEdges {
  /** give it to the chat core: edits posted approval messages on either platform */
  readonly messageEditor: MessageEditor;
  /** builds the adapters once the services (chat core, database) exist */
  attach(services: AppServices): AttachedEdges;
}

export interface AttachedEdges {
  readonly routes: readonly Route[];
  readonly notifiers: NotifierMap;
  /** true when the Teams bot accepts unauthenticated activities (no MICROSOFT_APP_ID) */
  readonly teamsAnonymous: boolean | null;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createChatEdges(config: Config, logger: Logger): ChatEdges {
  const slackClient = config.slack.enabled
    ? createSlackWebClient({
        botToken: config.slack.botToken,
        apiUrl: config.slack.apiUrl,
        logger: logger.child({ adapter: "slack" }),
      })
    : null;
  const slackEditor = slackClient === null ? null : createSlackMessageEditor({ client: slackClient, logger });
  let teams: TeamsNotifier | null = null;
  const teamsEditor: MessageEditor = {
    edit: async (ref, reply) =>
      teams === null
        ? err(
            new AppError("teams.not_ready", "The Teams bot is not running; the message was not edited.", {
              retryable: true,
            }),
          )
        : teams.update(ref.channelId, ref.messageId, reply),
  };
  const messageEditor = createRoutingMessageEditor({
    ...(slackEditor === null ? {} : { slack: slackEditor }),
    ...(config.teams.enabled ? { teams: teamsEditor } : {}),
  });

  return {
    messageEditor,
    attach(services) {
      const routes: Route[] = [];
      const notifiers: NotifierMap = {};
      let slack: SlackAdapter | null = null;
      let teamsAnonymous: boolean | null = null;
      const audit = createAuditSink(services.repos.audit, services.connectionId, services.clock, services.ids);
      const auditRefusal = async (
        platform: "slack" | "teams",
        actor: string | null,
        command: string,
        target: string | null,
        detail: string,
      ): Promise<void> => {
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
      if (config.slack.enabled && slackEditor !== null && slackClient !== null) {
        const people = createSlackPeople({
          profiles: slackProfilesFrom(slackClient),
          directory: services.directory,
          clock: services.clock,
          logger,
        });
        slack = createSlackAdapter({
          signingSecret: config.slack.signingSecret,
          botToken: config.slack.botToken,
          ...(config.slack.appToken === null ? {} : { appToken: config.slack.appToken }),
          apiUrl: config.slack.apiUrl,
          chat: withResolvedActors(services.chat, people),
          logger: logger.child({ adapter: "slack" }),
          messageEditor: slackEditor,
          seenRequests: services.repos.seenRequests,
          onForeign: (r) =>
            auditRefusal("slack", r.userId, r.kind, [...r.teamIds, r.enterpriseId, r.appId].join(" "), r.reason),
        });
        const adapter = slack;
        routes.push({ method: "POST", path: "/slack/events", handler: (req, res) => adapter.handleHttp(req, res) });
        notifiers.slack = slackChannelNotifier(adapter.notifier);
      }
      if (config.teams.enabled) {
        const allowedTenant = config.teams.anonymous ? null : (config.teams.tenantId ?? config.azure.tenantId);
        if (!config.teams.anonymous && allowedTenant === null)
          logger.warn(
            { code: "teams.no_tenant" },
            "Neither MICROSOFT_APP_TENANT_ID nor AZURE_TENANT_ID is set: Teams activities from any tenant are accepted.",
          );
        const conversations = createConversationStore(services);
        const bot = createTeamsBot({
          ...(config.teams.appId === null ? {} : { appId: config.teams.appId }),
          ...(config.teams.appPassword === null ? {} : { appPassword: config.teams.appPassword }),
          ...(config.teams.tenantId === null ? {} : { tenantId: config.teams.tenantId }),
          appType: config.teams.appType,
          handler: createTeamsHandler(services.chat, conversations),
          logger: logger.child({ adapter: "teams" }),
          // anonymous local Teams has no tenant to check
          ...(allowedTenant === null ? {} : { allowedTenantId: allowedTenant }),
          onForeign: (o) => auditRefusal("teams", o.userId, o.type, o.tenantId, "activity from another tenant"),
        });
        teamsAnonymous = bot.anonymous;
        teams = createTeamsNotifier({ transport: bot.transport, store: conversations, logger });
        routes.push({ method: "POST", path: "/api/messages", handler: (req, res) => bot.handleHttp(req, res) });
        notifiers.teams = activityChannelNotifier(teams);
      }
      return {
        routes,
        notifiers,
        teamsAnonymous,
        start: async () => {
          await slack?.start();
        },
        stop: async () => {
          await slack?.stop();
        },
      };
    },
  };
}
