import { z } from "zod";

/**
 * Teams-side types of the edge. Nothing here mentions botbuilder; the edge calls the chat core
 * (`#core/chat/handle-command.js`) directly, like the Slack edge.
 */

/** A Bot Framework conversation reference as stored (JSON), without the activity id it came from. */
export const teamsConversationReferenceSchema = z.object({
  channelId: z.string().min(1),
  serviceUrl: z.string().url(),
  conversation: z.object({
    id: z.string().min(1),
    conversationType: z.string().optional(),
    tenantId: z.string().optional(),
    isGroup: z.boolean().optional(),
    name: z.string().optional(),
  }),
  bot: z.object({ id: z.string().min(1), name: z.string().optional() }),
  user: z.object({ id: z.string(), name: z.string().optional(), aadObjectId: z.string().optional() }).optional(),
  locale: z.string().optional(),
});
export type TeamsConversationReference = z.infer<typeof teamsConversationReferenceSchema>;

export type TeamsConversationType = "personal" | "groupChat" | "channel";

export interface TeamsActor {
  /** Entra object id (`from.aadObjectId`): what roles are checked against; null when Teams omits it */
  readonly aadObjectId: string | null;
  /** Teams user id (`29:…`), used for private chats and `refresh.userIds` */
  readonly teamsUserId: string;
  readonly name: string;
}

export interface TeamsConversation {
  /** conversation id without the `;messageid=` thread suffix */
  readonly id: string;
  readonly type: TeamsConversationType;
  readonly tenantId: string | null;
  /** store this to post proactively later (alerts here, approvals) */
  readonly reference: TeamsConversationReference;
}
