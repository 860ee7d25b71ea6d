import { z } from "zod";
import type { Reply } from "#core/chat/reply.js";

/**
 * The seam between the Teams edge and the chat core. Nothing here mentions botbuilder: the
 * composition root implements `TeamsHandler` on top of the core's command/approval use cases.
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

export interface TeamsCommand {
  readonly actor: TeamsActor;
  /** command text with bot mentions stripped: `status`, `check ada@example.com` */
  readonly text: string;
  readonly conversation: TeamsConversation;
}

export interface TeamsAction {
  readonly actor: TeamsActor;
  /** the button's actionId (Action.Execute verb) */
  readonly actionId: string;
  readonly value: string;
  readonly conversation: TeamsConversation;
  /** id of the message that carries the card (to edit it), when Teams sends it */
  readonly messageId: string | null;
  /** `invoke`: Action.Execute; `refresh`: automatic card refresh; `submit`: Action.Submit fallback */
  readonly source: "invoke" | "refresh" | "submit";
}

export interface TeamsInstallation {
  readonly reference: TeamsConversationReference;
  readonly conversationType: TeamsConversationType;
  readonly event: "installed" | "uninstalled";
}

export interface TeamsHandler {
  /** a typed command; each reply goes where its `visibility` says */
  onCommand(command: TeamsCommand): Promise<readonly Reply[]>;
  /** a button; a `channel` reply replaces the card for everyone, a `private` one reaches the actor only */
  onAction(action: TeamsAction): Promise<Reply>;
  /** the bot was added to / removed from a team, group chat or personal scope */
  onInstallation(installation: TeamsInstallation): Promise<void>;
}

/** Where conversation references live (the database in production), so any replica can post. */
export interface TeamsConversationStore {
  save(conversationId: string, reference: TeamsConversationReference): Promise<void>;
  load(conversationId: string): Promise<TeamsConversationReference | null>;
}
