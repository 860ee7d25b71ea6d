import { z } from "zod";
import {
  type TeamsActor,
  type TeamsConversation,
  type TeamsConversationReference,
  type TeamsConversationType,
  teamsConversationReferenceSchema,
} from "./types.js";

/** The parts of an inbound Bot Framework activity this adapter reads, parsed with zod. */
const account = z.object({ id: z.string(), name: z.string().optional(), aadObjectId: z.string().optional() });

const mention = z.object({
  type: z.literal("mention"),
  text: z.string().optional(),
  mentioned: z.object({ id: z.string() }).optional(),
});

export const inboundActivitySchema = z.object({
  type: z.string(),
  id: z.string().optional(),
  name: z.string().optional(),
  text: z.string().optional(),
  value: z.unknown().optional(),
  replyToId: z.string().optional(),
  channelId: z.string(),
  serviceUrl: z.string().url(),
  locale: z.string().optional(),
  from: account,
  recipient: account,
  conversation: z.object({
    id: z.string(),
    conversationType: z.string().optional(),
    tenantId: z.string().optional(),
    isGroup: z.boolean().optional(),
    name: z.string().optional(),
  }),
  entities: z.array(z.unknown()).optional(),
  membersAdded: z.array(account).optional(),
  membersRemoved: z.array(account).optional(),
  action: z.string().optional(),
  channelData: z
    .object({ tenant: z.object({ id: z.string() }).optional() })
    .loose()
    .optional(),
});
export type InboundActivity = z.infer<typeof inboundActivitySchema>;

/** Action.Execute invoke value (`adaptiveCard/action`). */
export const executeInvokeSchema = z.object({
  action: z.object({
    type: z.literal("Action.Execute"),
    verb: z.string().min(1).max(200),
    data: z.unknown().optional(),
  }),
  trigger: z.enum(["manual", "automatic"]).optional(),
});

/** Our button data: `{actionId, value}` (also the Action.Submit fallback's message `value`). */
export const actionDataSchema = z.object({ actionId: z.string().min(1).max(200), value: z.string().max(2000) });

export function conversationType(activity: InboundActivity): TeamsConversationType {
  const type = activity.conversation.conversationType;
  if (type === "channel") return "channel";
  if (type === "groupChat" || activity.conversation.isGroup === true) return "groupChat";
  return "personal";
}

/** Channel thread ids look like `19:abc@thread.tacv2;messageid=123`; the conversation is the part before. */
function baseConversationId(id: string): string {
  const index = id.indexOf(";messageid=");
  return index === -1 ? id : id.slice(0, index);
}

export function actorOf(activity: InboundActivity): TeamsActor {
  return {
    aadObjectId: activity.from.aadObjectId ?? null,
    teamsUserId: activity.from.id,
    name: activity.from.name ?? activity.from.id,
  };
}

export function referenceOf(activity: InboundActivity): TeamsConversationReference {
  const tenantId = activity.conversation.tenantId ?? activity.channelData?.tenant?.id;
  const conversation = {
    id: baseConversationId(activity.conversation.id),
    ...(activity.conversation.conversationType === undefined
      ? {}
      : { conversationType: activity.conversation.conversationType }),
    ...(tenantId === undefined ? {} : { tenantId }),
    ...(activity.conversation.isGroup === undefined ? {} : { isGroup: activity.conversation.isGroup }),
  };
  return teamsConversationReferenceSchema.parse({
    channelId: activity.channelId,
    serviceUrl: activity.serviceUrl,
    conversation,
    bot: {
      id: activity.recipient.id,
      ...(activity.recipient.name === undefined ? {} : { name: activity.recipient.name }),
    },
    ...(activity.locale === undefined ? {} : { locale: activity.locale }),
  });
}

export function conversationOf(activity: InboundActivity): TeamsConversation {
  const reference = referenceOf(activity);
  return {
    id: reference.conversation.id,
    type: conversationType(activity),
    tenantId: reference.conversation.tenantId ?? null,
    reference,
  };
}

const MAX_COMMAND_LENGTH = 2000;
/** mention entities looked at (Teams sends one per @mention; a message has a handful) */
const MAX_MENTIONS = 20;

/**
 * The command text without the bot's @mention: `<at>abm</at> status` → `status`. Teams sends
 * HTML-ish text; tags and `&nbsp;` are dropped, whitespace collapsed.
 *
 * The text is cut BEFORE any pattern runs (one character over the limit is kept, so a message
 * that long still reads as too long to the grammar), and every pattern is linear: a tag cannot
 * contain `<`, so no attempt scans past the start of the next one (`/<[^>]+>/` on 80,000 `<`
 * took seconds).
 */
export function commandText(activity: InboundActivity): string {
  let text = (activity.text ?? "").slice(0, MAX_COMMAND_LENGTH + 1);
  for (const entity of (activity.entities ?? []).slice(0, MAX_MENTIONS)) {
    const parsed = mention.safeParse(entity);
    if (!parsed.success || parsed.data.mentioned?.id !== activity.recipient.id) continue;
    const mentioned = parsed.data.text;
    if (mentioned !== undefined && mentioned !== "") text = text.split(mentioned).join(" ");
  }
  return text
    .replace(/<at>([^<]*)<\/at>/gi, "$1")
    .replace(/<[^<>]*>/g, " ")
    .replace(/&nbsp;/gi, " ")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, MAX_COMMAND_LENGTH + 1);
}
