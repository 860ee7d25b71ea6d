import type { AsyncResult } from "#core/chat/alerts/stores.js";
import type { ChatPlatform } from "#core/chat/ports.js";
import type { Reply } from "#core/chat/reply.js";

/** Posts to one chat platform (Slack: channel + ts; Teams: conversation + activity id). */
export interface ChannelNotifier {
  post(channelId: string, reply: Reply): AsyncResult<{ readonly messageId: string }>;
  reply(channelId: string, parentMessageId: string, reply: Reply): AsyncResult<{ readonly messageId: string }>;
  update(channelId: string, messageId: string, reply: Reply): AsyncResult<void>;
}

export type NotifierMap = Partial<Record<ChatPlatform, ChannelNotifier>>;
