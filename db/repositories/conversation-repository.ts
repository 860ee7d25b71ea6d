import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { jsonValueSchema, storedPlatformSchema } from "#core/ports/store/common.js";
import type { ConversationRecord, ConversationStore } from "#core/ports/store/conversation-store.js";
import type { Database } from "../database.js";
import { chatConversations } from "../schema/chat-conversations.js";
import { attempt, invalidRow } from "./db-error.js";

type Row = typeof chatConversations.$inferSelect;

const columnsSchema = z.object({ platform: storedPlatformSchema, reference: jsonValueSchema });

function toRecord(row: Row): ConversationRecord {
  const parsed = columnsSchema.safeParse(row);
  if (!parsed.success) throw invalidRow("read conversation", parsed.error.issues[0]?.message ?? "invalid");
  return {
    connectionId: row.connectionId,
    platform: parsed.data.platform,
    conversationId: row.conversationId,
    reference: parsed.data.reference,
    updatedAt: row.updatedAt,
  };
}

/** `chat_conversations` behind the ConversationStore port. */
export function createConversationRepository(db: Database): ConversationStore {
  const key = (connectionId: string, conversationId: string) =>
    and(eq(chatConversations.connectionId, connectionId), eq(chatConversations.conversationId, conversationId));
  return {
    save: (input) =>
      attempt("save conversation", async () => {
        const reference = jsonValueSchema.parse(input.reference);
        await db
          .insert(chatConversations)
          .values({
            connectionId: input.connectionId,
            platform: input.platform,
            conversationId: input.conversationId,
            reference,
            createdAt: input.now,
            updatedAt: input.now,
          })
          .onConflictDoUpdate({
            target: [chatConversations.connectionId, chatConversations.conversationId],
            set: { platform: input.platform, reference, updatedAt: input.now },
          });
      }),
    get: (connectionId, conversationId) =>
      attempt("read conversation", async () => {
        const rows = await db.select().from(chatConversations).where(key(connectionId, conversationId));
        return rows[0] === undefined ? null : toRecord(rows[0]);
      }),
    list: (connectionId, platform) =>
      attempt("list conversations", async () => {
        const conditions = [eq(chatConversations.connectionId, connectionId)];
        if (platform !== undefined) conditions.push(eq(chatConversations.platform, platform));
        const rows = await db
          .select()
          .from(chatConversations)
          .where(and(...conditions))
          .orderBy(chatConversations.conversationId);
        return rows.map(toRecord);
      }),
    remove: (connectionId, conversationId) =>
      attempt("remove conversation", async () => {
        const rows = await db
          .delete(chatConversations)
          .where(key(connectionId, conversationId))
          .returning({ id: chatConversations.conversationId });
        return rows.length > 0;
      }),
  };
}
