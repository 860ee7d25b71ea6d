import type { SlackNotifier } from "#adapters/slack/index.js";
import type { Reply } from "#core/chat/reply.js";
import type { AppError } from "#core/errors.js";
import { ok, type Result } from "#core/result.js";
import type { ChannelNotifier } from "./ports.js";

/** Platform notifiers → the neutral ChannelNotifier the outbox worker takes. */
export function slackChannelNotifier(slack: SlackNotifier): ChannelNotifier {
  return {
    async post(channelId, reply) {
      const posted = await slack.post(channelId, reply);
      return posted.ok ? ok({ messageId: posted.value.ts }) : posted;
    },
    async reply(channelId, parent, reply) {
      const posted = await slack.reply(channelId, parent, reply);
      return posted.ok ? ok({ messageId: posted.value.ts }) : posted;
    },
    update: (channelId, ts, reply) => slack.update(channelId, ts, reply),
  };
}

/** The shape of the Teams notifier (adapters/teams), taken structurally so alerts need no Teams import. */
export interface ActivityNotifier {
  post(target: string, reply: Reply): Promise<Result<{ activityId: string }, AppError>>;
  reply(target: string, parentActivityId: string, reply: Reply): Promise<Result<{ activityId: string }, AppError>>;
  update(target: string, activityId: string, reply: Reply): Promise<Result<void, AppError>>;
}

export function activityChannelNotifier(teams: ActivityNotifier): ChannelNotifier {
  return {
    async post(channelId, reply) {
      const posted = await teams.post(channelId, reply);
      return posted.ok ? ok({ messageId: posted.value.activityId }) : posted;
    },
    async reply(channelId, parent, reply) {
      const posted = await teams.reply(channelId, parent, reply);
      return posted.ok ? ok({ messageId: posted.value.activityId }) : posted;
    },
    update: (channelId, id, reply) => teams.update(channelId, id, reply),
  };
}
