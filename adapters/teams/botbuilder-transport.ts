import {
  type Activity,
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type ConversationParameters,
  type ConversationReference,
  TurnContext,
} from "botbuilder";
import { z } from "zod";
import { AppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import { rateLimitedSdkSink, withSdkLogs } from "./sdk-console.js";
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

/**
 * `CloudAdapter.process` prints every failure with `console.error` and answers 500 with the
 * error's text (for a failed key download: the metadata host). We call the protected
 * `processActivity` ourselves and answer with fixed bodies instead (see `classifyRefusal`).
 */
class ServiceCloudAdapter extends CloudAdapter {
  run(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(authHeader, activity, logic);
  }
}

/**
 * Overriding one endpoint makes botbuilder drop ALL its public-cloud defaults, so an override
 * restates them (botframework-connector's AuthenticationConstants) with only the metadata URL changed.
 */
function publicCloudWith(openIdMetadataUrl: string): Record<string, string> {
  return {
    ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl,
    ToBotFromChannelTokenIssuer: "https://api.botframework.com",
    ToBotFromEmulatorOpenIdMetadataUrl:
      "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration",
    ToChannelFromBotLoginUrl: "https://login.microsoftonline.com/botframework.com",
    ToChannelFromBotOAuthScope: "https://api.botframework.com",
    OAuthUrl: "https://api.botframework.com",
    CallerId: "urn:botframework:azure",
  };
}

const activityShape = z.looseObject({ type: z.string().min(1) });

/** What `CloudAdapter.process` does to a parsed body (botbuilder's `validateAndFixActivity`). */
function toInboundActivity(body: Record<string, unknown>): Activity | null {
  const parsed = activityShape.safeParse(body);
  if (!parsed.success) return null;
  const fixed: Record<string, unknown> = { ...parsed.data };
  for (const [field, raw] of [
    ["timestamp", "rawTimestamp"],
    ["expiration", "rawExpiration"],
    ["localTimestamp", "rawLocalTimestamp"],
  ] as const) {
    const value = fixed[field];
    if (typeof value === "string") {
      fixed[raw] = value;
      fixed[field] = new Date(value);
    }
  }
  // botbuilder's own Activity type is a plain interface over the same JSON
  return fixed as unknown as Activity;
}

const TOKEN_REFUSALS = new Set(["JsonWebTokenError", "TokenExpiredError", "NotBeforeError"]);
const UNREACHABLE = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH"]);

/**
 * A failure before our turn logic ran is the SDK refusing the request: 503 when the signing keys
 * could not be fetched (the SDK's `AuthenticationError` with a 5xx status, or a network error
 * from its metadata download), otherwise 401.
 */
function classifyRefusal(error: unknown): { status: 401 | 503; code: string; reason: string } {
  const record = (typeof error === "object" && error !== null ? error : {}) as {
    name?: unknown;
    statusCode?: unknown;
    code?: unknown;
    errno?: unknown;
  };
  const name = typeof record.name === "string" ? record.name : "Error";
  const statusCode = typeof record.statusCode === "number" ? record.statusCode : null;
  const code = typeof record.code === "string" ? record.code : typeof record.errno === "string" ? record.errno : "";
  if (TOKEN_REFUSALS.has(name)) return { status: 401, code: "teams.unauthorized", reason: name };
  if ((statusCode !== null && statusCode >= 500) || name === "FetchError" || UNREACHABLE.has(code)) {
    return { status: 503, code: "teams.auth_unavailable", reason: code === "" ? name : code };
  }
  return { status: 401, code: "teams.unauthorized", reason: statusCode === null ? name : `${name} ${statusCode}` };
}

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

export function createBotbuilderTransport(deps: {
  credentials: TeamsCredentials;
  logger: Logger;
  /** where channel tokens' signing keys are listed (default: the Bot Framework's; tests use a local one) */
  openIdMetadataUrl?: string;
}): TeamsTransport {
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
          ...(deps.openIdMetadataUrl === undefined ? {} : publicCloudWith(deps.openIdMetadataUrl)),
        },
  );
  const adapter = new ServiceCloudAdapter(auth);
  const sdkLogs = rateLimitedSdkSink(logger);
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
      if (request.method !== "POST") return { status: 405, body: undefined, code: "teams.method_not_allowed" };
      const activity = toInboundActivity(request.body);
      if (activity === null) return { status: 400, body: undefined, code: "teams.invalid_activity" };
      const header = request.headers.authorization;
      const authHeader = typeof header === "string" ? header : "";
      let turnStarted = false;
      try {
        const invoke = await withSdkLogs(sdkLogs, () =>
          adapter.run(authHeader, activity, (context) => {
            turnStarted = true;
            return onTurn(inboundTurn(context));
          }),
        );
        return { status: invoke?.status ?? 200, body: invoke?.body };
      } catch (error) {
        if (turnStarted) {
          // already logged by onTurnError; never echo the error's text to the caller
          return { status: 500, body: undefined, code: "teams.turn_failed" };
        }
        const refusal = classifyRefusal(error);
        return { status: refusal.status, body: undefined, code: refusal.code, reason: refusal.reason };
      }
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
