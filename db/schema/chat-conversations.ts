import { jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { connectionColumn, timestampColumns } from "./columns.js";

/** Teams conversation references (needed to post proactively), one per conversation id. */
export const chatConversations = pgTable(
  "chat_conversations",
  {
    ...connectionColumn(),
    platform: text("platform").notNull(),
    conversationId: text("conversation_id").notNull(),
    reference: jsonb("reference").notNull(),
    ...timestampColumns(),
  },
  (t) => [uniqueIndex("chat_conversations_connection_conversation_uq").on(t.connectionId, t.conversationId)],
);
