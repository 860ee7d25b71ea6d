import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { ConversationReferences } from "#core/chat/ports.js";
import type { Database } from "../database.js";
import { chatConversations } from "../schema/chat-conversations.js";
import { attemptOrThrow } from "./db-error.js";

/** `chat_conversations` of one connection behind the chat core's ConversationReferences. */
export function createConversationReferences(
  db: Database,
  connectionId: string,
  now: () => Date,
): ConversationReferences {
  const key = (conversationId: string) =>
    and(eq(chatConversations.connectionId, connectionId), eq(chatConversations.conversationId, conversationId));
  return {
    save: (platform, conversationId, value) =>
      attemptOrThrow("save conversation", async () => {
        const reference = z.json().parse(value);
        const at = now();
        await db
          .insert(chatConversations)
          .values({ connectionId, platform, conversationId, reference, createdAt: at, updatedAt: at })
          .onConflictDoUpdate({
            target: [chatConversations.connectionId, chatConversations.conversationId],
            set: { platform, reference, updatedAt: at },
          });
      }),
    load: (conversationId) =>
      attemptOrThrow("read conversation", async () => {
        const rows = await db.select().from(chatConversations).where(key(conversationId));
        return rows[0]?.reference ?? null;
      }),
  };
}
