import type { App, RespondFn } from "@slack/bolt";
import type { ChatCore } from "#core/chat/handle-command.js";
import type { ChatActor, ConversationRef } from "#core/chat/ports.js";
import type { Reply } from "#core/chat/reply.js";
import type { Logger } from "#core/logger.js";
import { appHomeOpenedSchema, type BlockActions, blockActionsSchema, slashCommandSchema } from "./payloads.js";
import { renderSlack, renderSlackHome, type SlackRenderOptions, slackResponseType } from "./render/blocks.js";
import type { SlackWebClient } from "./web-client.js";

/**
 * The Slack edge is thin: parse the payload, ack at once, call the chat core, render the replies.
 * Slash commands are acknowledged before any work starts (Slack's 3-second limit), answers go
 * through `respond()` — ephemeral unless the core says the reply is for the channel. A click's
 * replacement goes through `respond()` too (`replace_original`, for ephemeral and channel
 * messages alike); the stored approval messages are refreshed by the alert outbox, not here.
 * Opening the App Home tab (`app_home_opened`) publishes the chat core's `home` reply for that
 * person (`views.publish`); a button clicked there answers in the app's messages and publishes
 * the home again.
 */
export type ChatHandler = Pick<ChatCore, "handle" | "handleAction">;

/** action ids the core emits (`approval.approve`, `scope.confirm`…), optionally `#n`-suffixed */
const ACTION_ID = /^[a-z][a-z0-9_-]*\.[a-z0-9_.-]+(#\d+)?$/;

export interface ListenerDeps {
  readonly chat: ChatHandler;
  readonly logger: Logger;
  readonly command: string;
  readonly render?: SlackRenderOptions;
}

const FAILED: Reply = {
  fallbackText: "Something went wrong handling that command. Try again in a moment.",
  blocks: [{ type: "text", text: "Something went wrong handling that command. Try again in a moment." }],
  visibility: "private",
  tone: "danger",
};

/** let pending I/O (other requests waiting for their ack) run before the work behind this one */
const yieldToIo = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function send(
  respond: RespondFn,
  reply: Reply,
  deps: Pick<ListenerDeps, "logger" | "render">,
  replaceOriginal = false,
): Promise<void> {
  const { logger } = deps;
  const message = renderSlack(reply, deps.render);
  try {
    await respond({
      response_type: slackResponseType(reply),
      replace_original: replaceOriginal,
      text: message.text,
      blocks: [...message.blocks],
    });
  } catch (error) {
    logger.error({ error: error instanceof Error ? error.message : String(error) }, "respond() failed");
  }
}

/** Several replies on one home tab: one after the other, divided. */
function oneReply(replies: readonly Reply[]): Reply {
  const [first, ...rest] = replies;
  if (first === undefined) return FAILED;
  if (rest.length === 0) return first;
  return {
    ...first,
    blocks: replies.flatMap((reply, i) => (i === 0 ? reply.blocks : [{ type: "divider" as const }, ...reply.blocks])),
  };
}

/** Renders the chat core's `home` for one person and publishes it as their App Home tab. */
async function publishHome(
  client: SlackWebClient,
  actor: ChatActor,
  channelId: string,
  deps: ListenerDeps,
): Promise<void> {
  let replies: Reply[];
  try {
    replies = await deps.chat.handle({ actor, text: "home", conversation: { platform: "slack", channelId } });
  } catch (error) {
    deps.logger.error({ error: error instanceof Error ? error.message : String(error) }, "chat core failed");
    replies = [FAILED];
  }
  const view = renderSlackHome(oneReply(replies), deps.render);
  try {
    await client.views.publish({ user_id: actor.id, view: { type: "home", blocks: [...view.blocks] } });
  } catch (error) {
    deps.logger.error({ error: error instanceof Error ? error.message : String(error) }, "views.publish failed");
  }
}

/** A reply to a click on the home tab, which has no response_url: a message in the app's messages tab. */
async function postToUser(client: SlackWebClient, userId: string, reply: Reply, deps: ListenerDeps): Promise<void> {
  const message = renderSlack(reply, deps.render);
  try {
    await client.chat.postMessage({ channel: userId, text: message.text, blocks: [...message.blocks] });
  } catch (error) {
    deps.logger.error({ error: error instanceof Error ? error.message : String(error) }, "chat.postMessage failed");
  }
}

function actionActor(body: BlockActions): ChatActor {
  const name = body.user.name ?? body.user.username;
  return { platform: "slack", id: body.user.id, ...(name === undefined ? {} : { displayName: name }) };
}

export function registerListeners(app: App, deps: ListenerDeps): void {
  const logger = deps.logger;

  app.command(deps.command, async ({ ack, body, respond }) => {
    await ack();
    await yieldToIo();
    const parsed = slashCommandSchema.safeParse(body);
    if (!parsed.success) {
      logger.warn({ issues: parsed.error.issues.length }, "slash command payload not understood");
      return;
    }
    const command = parsed.data;
    const actor: ChatActor = {
      platform: "slack",
      id: command.user_id,
      ...(command.user_name === undefined ? {} : { displayName: command.user_name }),
    };
    const conversation: ConversationRef = { platform: "slack", channelId: command.channel_id };
    let replies: Reply[];
    try {
      replies = await deps.chat.handle({ actor, text: command.text, conversation });
    } catch (error) {
      logger.error({ error: error instanceof Error ? error.message : String(error) }, "chat core failed");
      replies = [FAILED];
    }
    for (const reply of replies) await send(respond, reply, deps);
  });

  app.event("app_home_opened", async ({ event, client }) => {
    const parsed = appHomeOpenedSchema.safeParse(event);
    if (!parsed.success) {
      logger.warn({ issues: parsed.error.issues.length }, "app_home_opened payload not understood");
      return;
    }
    if (parsed.data.tab !== "home") return;
    await publishHome(client, { platform: "slack", id: parsed.data.user }, parsed.data.channel, deps);
  });

  app.action({ type: "block_actions", action_id: ACTION_ID }, async ({ ack, body, respond, client }) => {
    await ack();
    await yieldToIo();
    const parsed = blockActionsSchema.safeParse(body);
    if (!parsed.success) {
      logger.warn({ issues: parsed.error.issues.length }, "block_actions payload not understood");
      return;
    }
    const payload = parsed.data;
    const action = payload.actions[0];
    if (action !== undefined && payload.view?.type === "home") {
      // the home tab: the user's own space with the app (no channel, no response_url)
      const actor = actionActor(payload);
      const conversation: ConversationRef = { platform: "slack", channelId: actor.id };
      const result = await deps.chat.handleAction({
        actor,
        actionId: action.action_id,
        value: action.value ?? "",
        conversation,
      });
      for (const reply of result.replies) await postToUser(client, actor.id, reply, deps);
      await publishHome(client, actor, actor.id, deps);
      return;
    }
    const channelId = payload.channel?.id ?? payload.container?.channel_id;
    if (action === undefined || channelId === undefined) return;
    const result = await deps.chat.handleAction({
      actor: actionActor(payload),
      actionId: action.action_id,
      value: action.value ?? "",
      conversation: { platform: "slack", channelId },
    });
    if (result.replaceOriginal !== null) await send(respond, result.replaceOriginal, deps, true);
    for (const reply of result.replies) await send(respond, reply, deps);
  });
}
