import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { ConversationReferences } from "#core/chat/ports.js";
import type { Database } from "../database.js";
import { chatConversations } from "../schema/chat-conversations.js";
import { attempt } from "./db-error.js";

/** Runs one statement; a database failure rejects with its `db.*` AppError. */
async function run<T>(operation: string, work: () => Promise<T>): Promise<T> {
  const result = await attempt(operation, work);
  if (!result.ok) throw result.error;
  return result.value;
}

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
      run("save conversation", async () => {
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
      run("read conversation", async () => {
        const rows = await db.select().from(chatConversations).where(key(conversationId));
        return rows[0]?.reference ?? null;
      }),
  };
}
