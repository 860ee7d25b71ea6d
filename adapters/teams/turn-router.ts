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
import { cardActivity, cardInvokeBody, errorInvokeBody, messageInvokeBody } from "./replies.js";
import type { InboundTurn } from "./transport.js";
import type { TeamsAction, TeamsHandler } from "./types.js";

/**
 * Routes one authenticated activity: messages → commands (or the Action.Submit fallback),
 * `adaptiveCard/action` invokes → actions, install events → stored references.
 *
 * Private replies (visibility `private`: refusals, `check`) never reach a whole channel or group
 * chat: they go to the asker's 1:1 chat with the bot (created on demand). On a button click a
 * private answer is an invoke "message" response that only the clicker sees.
 */
export function createTurnRouter(deps: {
  handler: TeamsHandler;
  logger: Logger;
}): (turn: InboundTurn) => Promise<void> {
  const { handler, logger } = deps;

  const deliver = async (turn: InboundTurn, activity: InboundActivity, reply: Reply): Promise<void> => {
    if (reply.visibility === "private" && conversationType(activity) !== "personal") {
      await turn.sendPersonal(activity.from.id, cardActivity(reply));
      return;
    }
    await turn.send(cardActivity(reply));
  };

  const onMessage = async (turn: InboundTurn, activity: InboundActivity): Promise<void> => {
    const submitted = actionDataSchema.safeParse(activity.value);
    if (submitted.success && commandText(activity) === "") {
      const action: TeamsAction = {
        actor: actorOf(activity),
        actionId: submitted.data.actionId,
        value: submitted.data.value,
        conversation: conversationOf(activity),
        messageId: activity.replyToId ?? null,
        source: "submit",
      };
      const reply = await handler.onAction(action);
      if (reply.visibility === "channel" && activity.replyToId !== undefined) {
        await turn.update(activity.replyToId, cardActivity(reply));
      } else {
        await deliver(turn, activity, reply);
      }
      return;
    }
    const text = commandText(activity);
    const replies = await handler.onCommand({
      actor: actorOf(activity),
      text: text === "" ? "help" : text,
      conversation: conversationOf(activity),
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
    const refresh = invoke.data.trigger === "automatic";
    const reply = await handler.onAction({
      actor: actorOf(activity),
      actionId: data.success ? data.data.actionId : invoke.data.action.verb,
      value: data.success ? data.data.value : "",
      conversation: conversationOf(activity),
      messageId: activity.replyToId ?? null,
      source: refresh ? "refresh" : "invoke",
    });
    if (reply.visibility === "private" && !refresh) {
      await turn.setInvokeResponse(200, messageInvokeBody(reply));
      return;
    }
    await turn.setInvokeResponse(200, cardInvokeBody(reply));
    if (reply.visibility === "channel" && !refresh && activity.replyToId !== undefined) {
      await turn.update(activity.replyToId, cardActivity(reply));
    }
  };

  const onInstall = async (activity: InboundActivity): Promise<void> => {
    const botId = activity.recipient.id;
    let event: "installed" | "uninstalled" | null = null;
    if (activity.type === "installationUpdate") {
      if (activity.action?.startsWith("add") === true) event = "installed";
      else if (activity.action?.startsWith("remove") === true) event = "uninstalled";
    } else if (activity.membersAdded?.some((m) => m.id === botId) === true) {
      event = "installed";
    } else if (activity.membersRemoved?.some((m) => m.id === botId) === true) {
      event = "uninstalled";
    }
    if (event === null) return;
    await handler.onInstallation({
      reference: referenceOf(activity),
      conversationType: conversationType(activity),
      event,
    });
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
