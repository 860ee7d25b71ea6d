import type { Reply } from "#core/chat/reply.js";
import { AppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import { err, ok, type Result } from "#core/result.js";
import { slackApiError } from "./errors.js";
import { renderSlack, type SlackRenderOptions } from "./render/blocks.js";
import type { SlackWebClient } from "./web-client.js";
import { chatPostMessageSchema, chatUpdateSchema } from "./web-results.js";

/**
 * Posts alerts and approval messages to channels (chat.postMessage / chat.update, rendered Block
 * Kit). Failures are AppErrors: `slack.rate_limited` carries Slack's Retry-After as
 * `retryAfterMs`, so the outbox can pause that channel.
 */
export interface SlackNotifier {
  post(channel: string, reply: Reply): Promise<Result<{ ts: string }, AppError>>;
  reply(channel: string, threadTs: string, reply: Reply): Promise<Result<{ ts: string }, AppError>>;
  update(channel: string, ts: string, reply: Reply): Promise<Result<void, AppError>>;
}

export function createSlackNotifier(deps: {
  readonly client: SlackWebClient;
  readonly logger: Logger;
  readonly render?: SlackRenderOptions;
}): SlackNotifier {
  const logger = deps.logger.child({ adapter: "slack", component: "notifier" });

  async function post(channel: string, reply: Reply, threadTs?: string): Promise<Result<{ ts: string }, AppError>> {
    const message = renderSlack(reply, deps.render);
    try {
      const raw = await deps.client.chat.postMessage({
        channel,
        text: message.text,
        blocks: [...message.blocks],
        unfurl_links: false,
        unfurl_media: false,
        ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
      });
      const parsed = chatPostMessageSchema.safeParse(raw);
      if (!parsed.success) {
        return err(new AppError("slack.bad_response", "Slack answered chat.postMessage without a message ts."));
      }
      return ok({ ts: parsed.data.ts });
    } catch (error) {
      const appError = slackApiError(error, "chat.postMessage");
      logger.warn({ code: appError.code, channel }, "chat.postMessage failed");
      return err(appError);
    }
  }

  return {
    post: (channel, reply) => post(channel, reply),
    reply: (channel, threadTs, reply) => post(channel, reply, threadTs),
    async update(channel, ts, reply) {
      const message = renderSlack(reply, deps.render);
      try {
        const raw = await deps.client.chat.update({ channel, ts, text: message.text, blocks: [...message.blocks] });
        if (!chatUpdateSchema.safeParse(raw).success) {
          return err(new AppError("slack.bad_response", "Slack answered chat.update with an unexpected body."));
        }
        return ok(undefined);
      } catch (error) {
        const appError = slackApiError(error, "chat.update");
        logger.warn({ code: appError.code, channel }, "chat.update failed");
        return err(appError);
      }
    },
  };
}
