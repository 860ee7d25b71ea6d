import type { JsonValue, MessageRefRecord, StoredPlatform, StoreResult } from "./common.js";

export type OutboxStatus = "pending" | "sending" | "sent" | "dead";

/** A chat message waiting to be posted (or an edit), durable across restarts. */
export interface OutboxRecord {
  readonly id: string;
  readonly connectionId: string;
  readonly platform: StoredPlatform;
  readonly channelId: string;
  /** the message (the neutral reply model, or an edit instruction); validated by its consumer */
  readonly payload: JsonValue;
  /** the incident whose parent message this one threads under (resolved at send time) */
  readonly incidentKey: string | null;
  /** the parent message, when already known */
  readonly threadParent: MessageRefRecord | null;
  readonly dedupKey: string | null;
  readonly status: OutboxStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date;
  readonly lastError: { readonly code: string; readonly message: string } | null;
  /** where it was posted */
  readonly sentRef: MessageRefRecord | null;
  readonly createdAt: Date;
}

export interface NewOutboxMessage {
  readonly id: string;
  readonly connectionId: string;
  readonly platform: StoredPlatform;
  readonly channelId: string;
  readonly payload: JsonValue;
  readonly incidentKey?: string | null;
  readonly threadParent?: MessageRefRecord | null;
  /** enqueueing the same key twice for a connection stores it once */
  readonly dedupKey?: string | null;
  readonly now: Date;
}

export interface OutboxStore {
  /** false when a message with the same dedup key was already queued */
  enqueue(message: NewOutboxMessage): StoreResult<boolean>;
  /**
   * Claims up to `limit` due messages (pending with `next_attempt_at <= now`, or `sending` whose
   * claim expired) with `FOR UPDATE SKIP LOCKED`, marks them `sending` until `now + lockMs` and
   * counts the attempt. Two workers never claim the same message at once.
   */
  claimDue(input: {
    readonly now: Date;
    readonly limit: number;
    readonly lockMs: number;
  }): StoreResult<readonly OutboxRecord[]>;
  markSent(id: string, sentRef: MessageRefRecord | null, now: Date): StoreResult<void>;
  /** back to `pending` until `nextAttemptAt`, or `dead` when `nextAttemptAt` is null */
  markFailed(
    id: string,
    failure: { readonly code: string; readonly message: string; readonly nextAttemptAt: Date | null },
    now: Date,
  ): StoreResult<void>;
  get(id: string): StoreResult<OutboxRecord | null>;
}
