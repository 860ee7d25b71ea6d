import type { ChartImageSource, ConversationReferences } from "#core/chat/ports.js";
import type { Reply } from "#core/chat/reply.js";
import { AppError, toAppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import { err, ok, type Result } from "#core/result.js";
import { cardActivity } from "./replies.js";
import type { TeamsTransport } from "./transport.js";
import { type TeamsConversationReference, teamsConversationReferenceSchema } from "./types.js";

/**
 * Proactive messages (alerts, approval cards) to a conversation whose reference was stored when
 * the bot was installed or someone ran `alerts here`. Any replica can post: the reference comes
 * from the store, the transport opens the turn with `continueConversationAsync`.
 */
export type ConversationTarget = string | TeamsConversationReference;

export interface TeamsNotifier {
  post(target: ConversationTarget, reply: Reply): Promise<Result<{ activityId: string }, AppError>>;
  /** a reply in the thread of `parentActivityId` (channels); a plain follow-up in chats */
  reply(
    target: ConversationTarget,
    parentActivityId: string,
    reply: Reply,
  ): Promise<Result<{ activityId: string }, AppError>>;
  update(target: ConversationTarget, activityId: string, reply: Reply): Promise<Result<void, AppError>>;
}

export function createTeamsNotifier(deps: {
  transport: TeamsTransport;
  store: ConversationReferences;
  logger: Logger;
  /** charts as inline images (`data:` URIs) */
  chartImage?: ChartImageSource;
}): TeamsNotifier {
  const render = deps.chartImage === undefined ? {} : { chartImage: deps.chartImage };
  const logger = deps.logger.child({ adapter: "teams", component: "notifier" });

  const resolve = async (target: ConversationTarget): Promise<Result<TeamsConversationReference, AppError>> => {
    if (typeof target !== "string") return ok(target);
    const stored = await deps.store.load(target);
    const reference = stored === null ? null : teamsConversationReferenceSchema.safeParse(stored);
    if (reference !== null && !reference.success)
      logger.warn({ conversationId: target }, "stored Teams conversation reference does not parse; treated as unknown");
    if (reference === null || !reference.success) {
      return err(
        new AppError(
          "teams.unknown_conversation",
          "No stored Teams conversation reference: install the app there or run `alerts here`.",
          {
            context: { conversationId: target },
          },
        ),
      );
    }
    return ok(reference.data);
  };

  const run = async <T>(
    target: ConversationTarget,
    op: string,
    fn: (reference: TeamsConversationReference) => Promise<T>,
  ): Promise<Result<T, AppError>> => {
    const reference = await resolve(target);
    if (!reference.ok) return reference;
    try {
      return ok(await fn(reference.value));
    } catch (error) {
      const appError = toAppError(error, "teams.proactive_failed");
      logger.error(
        { code: appError.code, op, conversationId: reference.value.conversation.id, error: appError.message },
        "Teams proactive message failed",
      );
      return err(appError);
    }
  };

  const send = (target: ConversationTarget, reply: Reply, replyTo?: string) =>
    run(target, replyTo === undefined ? "post" : "reply", async (reference) => {
      let activityId: string | null = null;
      await deps.transport.continueConversation(reference, async (turn) => {
        const sent = await turn.send(cardActivity(reply, render), replyTo === undefined ? undefined : { replyTo });
        activityId = sent.id;
      });
      if (activityId === null) {
        throw new AppError("teams.no_activity_id", "Teams accepted the message but returned no activity id.", {
          retryable: false,
        });
      }
      return { activityId: activityId as string };
    });

  return {
    post: (target, reply) => send(target, reply),
    reply: (target, parentActivityId, reply) => send(target, reply, parentActivityId),
    update: (target, activityId, reply) =>
      run(target, "update", async (reference) => {
        await deps.transport.continueConversation(reference, (turn) =>
          turn.update(activityId, cardActivity(reply, render)),
        );
      }),
  };
}
