import type { ChatActionResult, ChatCore } from "#core/chat/handle-command.js";
import type { ChartImageSource, ChatActor, ConversationRef, ConversationReferences } from "#core/chat/ports.js";
import type { Reply } from "#core/chat/reply.js";
import { toAppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import {
  actionDataSchema,
  actorOf,
  commandText,
  conversationOf,
  conversationType,
  executeInvokeSchema,
  type InboundActivity,
  inboundActivitySchema,
  referenceOf,
} from "./activity.js";
import { cardActivity, cardInvokeBody, cardOptionsFor, errorInvokeBody, messageInvokeBody } from "./replies.js";
import type { InboundTurn } from "./transport.js";
import type { TeamsActor } from "./types.js";

/** The chat core as the Teams edge uses it: the same `handle` / `handleAction` Slack calls. */
export type TeamsChat = Pick<ChatCore, "handle" | "handleAction">;

const NOTHING: Reply = {
  fallbackText: "Nothing to do.",
  blocks: [{ type: "text", text: "Nothing to do." }],
  visibility: "private",
  tone: "info",
};

const DONE: Reply = {
  fallbackText: "Done.",
  blocks: [{ type: "text", text: "Done." }],
  visibility: "private",
  tone: "info",
};

function toChatActor(actor: TeamsActor): ChatActor {
  return {
    platform: "teams",
    id: actor.teamsUserId,
    displayName: actor.name,
    ...(actor.aadObjectId === null ? {} : { entraObjectId: actor.aadObjectId }),
  };
}

function chatConversation(activity: InboundActivity): ConversationRef {
  return { platform: "teams", channelId: referenceOf(activity).conversation.id };
}

/**
 * Routes one authenticated activity straight to the chat core: messages → `chat.handle` (or the
 * Action.Submit fallback), `adaptiveCard/action` invokes → `chat.handleAction`, install events →
 * stored conversation references.
 *
 * Every reply the core produces is delivered. Private replies (visibility `private`: refusals,
 * `check`, vote notes) never reach a whole channel or group chat: they go to the asker's 1:1 chat
 * with the bot (created on demand). On an Action.Execute click the core's replacement card is the
 * invoke response (and, when it is for the channel, the card message is updated for everyone);
 * the private replies are sent as well. Without a replacement the first private reply is the
 * invoke's message response, which only the clicker sees.
 */
export function createTurnRouter(deps: {
  chat: TeamsChat;
  conversations: ConversationReferences;
  logger: Logger;
  /** charts as inline images (`data:` URIs) */
  chartImage?: ChartImageSource;
}): (turn: InboundTurn) => Promise<void> {
  const { chat, conversations, logger } = deps;
  /** the card as the person in this activity sees it (a live reply refreshes for them) */
  const card = (activity: InboundActivity, reply: Reply) =>
    cardActivity(reply, cardOptionsFor(reply, activity.from.id, deps.chartImage));
  const invokeCard = (activity: InboundActivity, reply: Reply) =>
    cardInvokeBody(reply, cardOptionsFor(reply, activity.from.id, deps.chartImage));

  const deliver = async (turn: InboundTurn, activity: InboundActivity, reply: Reply): Promise<void> => {
    if (reply.visibility === "private" && conversationType(activity) !== "personal") {
      await turn.sendPersonal(activity.from.id, card(activity, reply));
      return;
    }
    await turn.send(card(activity, reply));
  };

  const act = (activity: InboundActivity, actionId: string, value: string): Promise<ChatActionResult> =>
    chat.handleAction({
      actor: toChatActor(actorOf(activity)),
      actionId,
      value,
      conversation: chatConversation(activity),
    });

  const onMessage = async (turn: InboundTurn, activity: InboundActivity): Promise<void> => {
    const submitted = actionDataSchema.safeParse(activity.value);
    if (submitted.success && commandText(activity) === "") {
      // the Action.Submit fallback: no invoke response, so the card is replaced by an update
      const result = await act(activity, submitted.data.actionId, submitted.data.value);
      const replacement = result.replaceOriginal;
      if (replacement !== null) {
        if (replacement.visibility === "channel" && activity.replyToId !== undefined) {
          await turn.update(activity.replyToId, card(activity, replacement));
        } else {
          await deliver(turn, activity, replacement);
        }
      }
      for (const reply of result.replies) await deliver(turn, activity, reply);
      return;
    }
    const conversation = conversationOf(activity);
    // keep the reference fresh: `alerts here` and approvals post proactively into this conversation later
    await conversations.save("teams", conversation.id, conversation.reference);
    const text = commandText(activity);
    const replies = await chat.handle({
      actor: toChatActor(actorOf(activity)),
      text: text === "" ? "help" : text,
      conversation: { platform: "teams", channelId: conversation.id },
    });
    for (const reply of replies) await deliver(turn, activity, reply);
  };

  const onInvoke = async (turn: InboundTurn, activity: InboundActivity): Promise<void> => {
    if (activity.name !== "adaptiveCard/action") {
      await turn.setInvokeResponse(501, undefined);
      return;
    }
    const invoke = executeInvokeSchema.safeParse(activity.value);
    if (!invoke.success) {
      logger.warn(
        { code: "teams.invalid_invoke", issues: invoke.error.issues.length },
        "Malformed adaptiveCard/action invoke",
      );
      await turn.setInvokeResponse(400, {
        statusCode: 400,
        type: "application/vnd.microsoft.error",
        value: { code: "BadRequest", message: "Malformed action." },
      });
      return;
    }
    const data = actionDataSchema.safeParse(invoke.data.action.data);
    const result = await act(
      activity,
      data.success ? data.data.actionId : invoke.data.action.verb,
      data.success ? data.data.value : "",
    );
    const replacement = result.replaceOriginal;
    if (invoke.data.trigger === "automatic") {
      // a card refresh while someone looks at it: answer with the card only, never post anything
      await turn.setInvokeResponse(200, invokeCard(activity, replacement ?? result.replies[0] ?? NOTHING));
      return;
    }
    // once the invoke answer is set, a failed update or note is logged: it must not turn the answer into an error
    const afterAnswer = async (what: string, send: () => Promise<unknown>): Promise<void> => {
      try {
        await send();
      } catch (error) {
        const appError = toAppError(error, "teams.reply_failed");
        logger.warn({ code: appError.code, error: appError.message }, `${what} after a card action failed`);
      }
    };
    let rest: readonly Reply[] = result.replies;
    if (replacement !== null) {
      await turn.setInvokeResponse(200, invokeCard(activity, replacement));
      const cardId = activity.replyToId;
      if (replacement.visibility === "channel" && cardId !== undefined) {
        await afterAnswer("Updating the card for everyone", () => turn.update(cardId, card(activity, replacement)));
      }
    } else {
      const note = rest.find((reply) => reply.visibility === "private");
      rest = rest.filter((reply) => reply !== note);
      await turn.setInvokeResponse(200, messageInvokeBody(note ?? (rest.length === 0 ? NOTHING : DONE)));
    }
    for (const reply of rest) await afterAnswer("Delivering a reply", () => deliver(turn, activity, reply));
  };

  const onInstall = async (activity: InboundActivity): Promise<void> => {
    const botId = activity.recipient.id;
    let installed = false;
    if (activity.type === "installationUpdate") installed = activity.action?.startsWith("add") === true;
    else installed = activity.membersAdded?.some((m) => m.id === botId) === true;
    if (!installed) return;
    const reference = referenceOf(activity);
    await conversations.save("teams", reference.conversation.id, reference);
  };

  return async (turn) => {
    const parsed = inboundActivitySchema.safeParse(turn.activity);
    if (!parsed.success) {
      logger.warn(
        { code: "teams.invalid_activity", issues: parsed.error.issues.map((i) => i.path.join(".")) },
        "Ignored a malformed activity",
      );
      return;
    }
    const activity = parsed.data;
    try {
      if (activity.type === "message") await onMessage(turn, activity);
      else if (activity.type === "invoke") await onInvoke(turn, activity);
      else if (activity.type === "conversationUpdate" || activity.type === "installationUpdate")
        await onInstall(activity);
    } catch (error) {
      const appError = toAppError(error, "teams.handler_failed");
      logger.error(
        { code: appError.code, activityType: activity.type, error: appError.message },
        "Teams activity handling failed",
      );
      if (activity.type === "invoke") await turn.setInvokeResponse(200, errorInvokeBody(appError.code));
      else if (activity.type === "message") {
        await turn.send({ type: "message", text: `Sorry, that failed (${appError.code}). The error has been logged.` });
      }
    }
  };
}
