import type { JsonValue, StoredPlatform, StoreResult } from "./common.js";

/** A stored chat conversation reference (Teams needs one to post proactively). */
export interface ConversationRecord {
  readonly connectionId: string;
  readonly platform: StoredPlatform;
  readonly conversationId: string;
  /** the platform's conversation reference, validated by the adapter that reads it */
  readonly reference: JsonValue;
  readonly updatedAt: Date;
}

export interface ConversationStore {
  /** inserts or replaces by (connection, conversation id) */
  save(input: {
    readonly connectionId: string;
    readonly platform: StoredPlatform;
    readonly conversationId: string;
    readonly reference: JsonValue;
    readonly now: Date;
  }): StoreResult<void>;
  get(connectionId: string, conversationId: string): StoreResult<ConversationRecord | null>;
  list(connectionId: string, platform?: StoredPlatform): StoreResult<readonly ConversationRecord[]>;
  remove(connectionId: string, conversationId: string): StoreResult<boolean>;
}
