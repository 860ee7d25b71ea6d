import {
  type Activity,
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConversationParameters,
  type ConversationReference,
  TurnContext,
} from "botbuilder";
import { AppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import {
  checkCredentials,
  type InboundTurn,
  type OutgoingActivity,
  type ProactiveTurn,
  type SentActivity,
  type TeamsCredentials,
  type TeamsTransport,
  type TransportRequest,
  type TransportResponse,
} from "./transport.js";
import type { TeamsConversationReference } from "./types.js";

/**
 * `TeamsTransport` on botbuilder 4.23 (`CloudAdapter` + `ConfigurationBotFrameworkAuthentication`).
 * This is the ONLY file in the project that imports botbuilder (see README.md for the Teams SDK path).
 */
const BOT_FRAMEWORK_SCOPE = "https://api.botframework.com";

function toActivity(activity: OutgoingActivity): Partial<Activity> {
  const out: Partial<Activity> = { type: ActivityTypes.Message };
  if (activity.text !== undefined) out.text = activity.text;
  if (activity.summary !== undefined) out.summary = activity.summary;
  if (activity.attachments !== undefined) {
    out.attachments = activity.attachments.map((a) => ({ contentType: a.contentType, content: a.content }));
  }
  return out;
}

/** Sends exactly the activity built here, bypassing TurnContext's automatic `replyToId`. */
async function sendRaw(context: TurnContext, activity: Partial<Activity>): Promise<SentActivity> {
  const [response] = await context.adapter.sendActivities(context, [activity]);
  return { id: response?.id ? response.id : null };
}

function fromReference(reference: TeamsConversationReference): Partial<ConversationReference> {
  return {
    channelId: reference.channelId,
    serviceUrl: reference.serviceUrl,
    conversation: {
      id: reference.conversation.id,
      isGroup: reference.conversation.isGroup ?? false,
      name: reference.conversation.name ?? "",
      conversationType: reference.conversation.conversationType ?? "",
      ...(reference.conversation.tenantId === undefined ? {} : { tenantId: reference.conversation.tenantId }),
    },
    bot: { id: reference.bot.id, name: reference.bot.name ?? "" },
    ...(reference.user === undefined ? {} : { user: { id: reference.user.id, name: reference.user.name ?? "" } }),
    ...(reference.locale === undefined ? {} : { locale: reference.locale }),
  };
}

export function createBotbuilderTransport(deps: { credentials: TeamsCredentials; logger: Logger }): TeamsTransport {
  const { credentials, logger } = deps;
  checkCredentials(credentials, logger);
  const appId = credentials.appId ?? "";
  const anonymous = appId === "";
  const auth = new ConfigurationBotFrameworkAuthentication(
    anonymous
      ? {}
      : {
          MicrosoftAppId: appId,
          MicrosoftAppType: credentials.appType,
          ...(credentials.appPassword === undefined ? {} : { MicrosoftAppPassword: credentials.appPassword }),
          ...(credentials.tenantId === undefined ? {} : { MicrosoftAppTenantId: credentials.tenantId }),
        },
  );
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context, error) => {
    logger.error(
      { code: "teams.turn_failed", activityType: context.activity.type, error: error.message },
      "Teams turn failed inside the Bot Framework SDK",
    );
    throw error;
  };

  const sendPersonal = async (
    context: TurnContext,
    userId: string,
    activity: OutgoingActivity,
  ): Promise<SentActivity> => {
    const inbound = context.activity;
    const tenantId =
      inbound.conversation.tenantId ?? (inbound.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id;
    const parameters: ConversationParameters = {
      isGroup: false,
      bot: inbound.recipient,
      members: [{ id: userId, name: "" }],
      ...(tenantId === undefined ? {} : { tenantId }),
      channelData: tenantId === undefined ? {} : { tenant: { id: tenantId } },
    };
    let sent: SentActivity = { id: null };
    await adapter.createConversationAsync(
      appId,
      inbound.channelId,
      inbound.serviceUrl,
      BOT_FRAMEWORK_SCOPE,
      parameters,
      async (created) => {
        const outgoing = TurnContext.applyConversationReference(toActivity(activity), {
          channelId: inbound.channelId,
          serviceUrl: inbound.serviceUrl,
          conversation: created.activity.conversation,
          bot: inbound.recipient,
          user: { id: userId, name: "" },
        });
        delete outgoing.replyToId;
        sent = await sendRaw(created, outgoing);
      },
    );
    return sent;
  };

  const inboundTurn = (context: TurnContext): InboundTurn => ({
    activity: context.activity,
    send: async (activity) => {
      const response = await context.sendActivity(toActivity(activity));
      return { id: response?.id ? response.id : null };
    },
    update: async (activityId, activity) => {
      await context.updateActivity({ ...toActivity(activity), id: activityId });
    },
    setInvokeResponse: async (status, body) => {
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status, body } });
    },
    sendPersonal: (userId, activity) => sendPersonal(context, userId, activity),
  });

  return {
    anonymous,
    async process(request: TransportRequest, onTurn): Promise<TransportResponse> {
      const answer: TransportResponse = { status: 200, body: undefined };
      const response = {
        socket: undefined,
        status: (code: number) => {
          answer.status = code;
        },
        send: (body: unknown) => {
          answer.body = body;
        },
        header: () => undefined,
        end: () => undefined,
      };
      await adapter.process(
        { method: request.method, headers: request.headers, body: request.body },
        response,
        (context) => onTurn(inboundTurn(context)),
      );
      return answer;
    },
    async continueConversation(reference, fn): Promise<void> {
      const ref = fromReference(reference);
      try {
        await adapter.continueConversationAsync(appId, ref, async (context) => {
          const proactive: ProactiveTurn = {
            send: (activity, options) => {
              const replyTo = options?.replyTo;
              const isChannel = reference.conversation.conversationType === "channel";
              const conversation =
                replyTo !== undefined && isChannel
                  ? { ...context.activity.conversation, id: `${reference.conversation.id};messageid=${replyTo}` }
                  : context.activity.conversation;
              const outgoing = TurnContext.applyConversationReference(toActivity(activity), { ...ref, conversation });
              if (replyTo !== undefined && !isChannel) outgoing.replyToId = replyTo;
              else delete outgoing.replyToId;
              return sendRaw(context, outgoing);
            },
            update: async (activityId, activity) => {
              await context.updateActivity({ ...toActivity(activity), id: activityId });
            },
          };
          await fn(proactive);
        });
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw new AppError("teams.proactive_failed", "Posting to the Teams conversation failed.", {
          retryable: true,
          cause: error,
          context: { conversationId: reference.conversation.id },
        });
      }
    },
  };
}
