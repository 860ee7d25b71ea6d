import type { MessageEditor, MessageRef } from "#core/chat/ports.js";
import type { Reply } from "#core/chat/reply.js";
import { AppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import { err, ok, type Result } from "#core/result.js";
import { slackApiError } from "./errors.js";
import { renderSlack } from "./render/blocks.js";
import type { SlackWebClient } from "./web-client.js";
import { chatUpdateSchema } from "./web-results.js";

/**
 * The core's MessageEditor for Slack: `chat.update` on the STORED channel + ts, so an approval
 * message can be edited after a restart and from any replica. Edits of one message are sent one
 * after another in the order they were asked for. It remembers when it last edited a message so
 * the adapter does not edit a clicked message a second time (and possibly out of order).
 */
export interface SlackMessageEditor extends MessageEditor {
  /** true when `edit` was called for this channel + ts at or after `sinceMs` (epoch ms) */
  editedSince(channelId: string, ts: string, sinceMs: number): boolean;
}

const REMEMBER_MS = 10 * 60_000;

export function createSlackMessageEditor(deps: {
  readonly client: SlackWebClient;
  readonly logger: Logger;
  readonly now?: () => number;
}): SlackMessageEditor {
  const now = deps.now ?? Date.now;
  const logger = deps.logger.child({ adapter: "slack", component: "editor" });
  const lastEdit = new Map<string, number>();
  const chains = new Map<string, Promise<unknown>>();

  function remember(key: string): void {
    const at = now();
    lastEdit.delete(key);
    lastEdit.set(key, at);
    for (const [k, when] of lastEdit) {
      if (at - when < REMEMBER_MS) break;
      lastEdit.delete(k);
    }
  }

  async function update(ref: MessageRef, reply: Reply): Promise<Result<void, AppError>> {
    const message = renderSlack(reply);
    try {
      const raw = await deps.client.chat.update({
        channel: ref.channelId,
        ts: ref.messageId,
        text: message.text,
        blocks: [...message.blocks],
      });
      const parsed = chatUpdateSchema.safeParse(raw);
      if (!parsed.success) {
        return err(new AppError("slack.bad_response", "Slack answered chat.update with an unexpected body."));
      }
      return ok(undefined);
    } catch (error) {
      const appError = slackApiError(error, "chat.update");
      logger.warn({ code: appError.code, channel: ref.channelId, ts: ref.messageId }, "chat.update failed");
      return err(appError);
    }
  }

  return {
    editedSince(channelId, ts, sinceMs) {
      const at = lastEdit.get(`${channelId}/${ts}`);
      return at !== undefined && at >= sinceMs;
    },
    async edit(ref, reply) {
      if (ref.platform !== "slack") {
        return err(
          new AppError("slack.wrong_platform", `A ${ref.platform} message cannot be edited through Slack.`, {
            context: { platform: ref.platform },
          }),
        );
      }
      const key = `${ref.channelId}/${ref.messageId}`;
      remember(key);
      const previous = chains.get(key) ?? Promise.resolve();
      const next = previous.then(() => update(ref, reply));
      chains.set(key, next);
      try {
        return await next;
      } finally {
        if (chains.get(key) === next) chains.delete(key);
      }
    },
  };
}
