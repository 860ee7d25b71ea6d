import { type TeamsConversationStore, teamsConversationReferenceSchema } from "#adapters/teams/types.js";
import type { JsonValue } from "#core/ports/store/common.js";
import type { AppServices } from "../services.js";

/** Teams conversation references in `chat_conversations`, so any replica can post proactively. */
export function createConversationStore(services: AppServices): TeamsConversationStore {
  const { repos, connectionId, clock } = services;
  return {
    async save(conversationId, reference) {
      const saved = await repos.conversations.save({
        connectionId,
        platform: "teams",
        conversationId,
        reference: reference as unknown as JsonValue,
        now: clock.now(),
      });
      if (!saved.ok) throw saved.error;
    },
    async load(conversationId) {
      const found = await repos.conversations.get(connectionId, conversationId);
      if (!found.ok) throw found.error;
      if (found.value === null) return null;
      const parsed = teamsConversationReferenceSchema.safeParse(found.value.reference);
      return parsed.success ? parsed.data : null;
    },
  };
}
