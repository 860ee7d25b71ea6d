import type { AppError } from "../../errors.js";
import type { AppleAuditEvent } from "../../ports/apple-directory.js";
import type { Result } from "../../result.js";
import type { ChatPlatform, MessageRef } from "../ports.js";
import type { IncidentRecord } from "./incidents.js";
import type { SubscribedKinds } from "./kinds.js";

/**
 * The stores of alert delivery, for ONE connection: db/ implements them with the connection in
 * every statement (test/support/alerts.ts keeps them in memory for tests).
 */
export type AsyncResult<T> = Promise<Result<T, AppError>>;

/** Where alerts go: `ABM_ALERT_CHANNELS` plus the routes set with `alerts here`. */
export interface AlertRoute {
  readonly platform: ChatPlatform;
  readonly channelId: string;
  /** the kinds this channel receives (`ABM_ALERT_CHANNELS`: `all`) */
  readonly kinds: SubscribedKinds;
  /** who set the route with `alerts here`; null: configured (`ABM_ALERT_CHANNELS`) */
  readonly setBy: string | null;
  readonly setAt: Date | null;
}

export interface AlertRouteSource {
  list(): AsyncResult<readonly AlertRoute[]>;
}

/**
 * A parent message posted for one opening of an incident (`IncidentRecord.opening`). An incident
 * that resolved and comes back (the same key) is a new opening with new parents: the old thread's
 * last edits reach the old parent, the new follow-ups the new one.
 */
export interface IncidentMessageRef extends MessageRef {
  readonly opening: number;
}

/** An incident as stored: the policy's record plus the parent messages posted for it (one per route and opening). */
export interface StoredIncident {
  readonly incident: IncidentRecord;
  readonly messageRefs: readonly IncidentMessageRef[];
}

export interface IncidentStore {
  get(key: string): AsyncResult<StoredIncident | null>;
  /** open incidents */
  listOpen(): AsyncResult<readonly StoredIncident[]>;
  /** inserts or replaces the incident's fields by key; message refs are kept */
  save(incident: IncidentRecord): AsyncResult<void>;
  /** appends a parent message ref (ignored when already present) */
  addMessageRef(key: string, ref: IncidentMessageRef): AsyncResult<void>;
}

export type OutboxStatus = "pending" | "sending" | "sent" | "dead";

/** A queued chat message; `payload` is an `OutboxPayload` (validated when it is sent). */
export interface OutboxEntry {
  readonly id: string;
  readonly platform: ChatPlatform;
  readonly channelId: string;
  readonly payload: unknown;
  readonly status: OutboxStatus;
  /** counted when claimed */
  readonly attempts: number;
  readonly createdAt: Date;
}

export interface NewOutboxEntry {
  readonly id: string;
  readonly platform: ChatPlatform;
  readonly channelId: string;
  readonly payload: unknown;
  readonly incidentKey: string | null;
  /** the same key twice is stored once */
  readonly dedupKey: string;
  readonly now: Date;
}

/**
 * Durable outbox (the `alert_outbox` table). `claimDue` returns this connection's due `pending`
 * messages (and `sending` ones whose claim expired) oldest first, marks them `sending` until
 * `now + lockMs` and counts the attempt; two workers never claim the same message at once
 * (`FOR UPDATE SKIP LOCKED`), and a worker never claims another connection's messages.
 */
export interface OutboxStore {
  /** false when the dedup key was already queued */
  enqueue(entry: NewOutboxEntry): AsyncResult<boolean>;
  claimDue(input: {
    readonly now: Date;
    readonly limit: number;
    readonly lockMs: number;
  }): AsyncResult<readonly OutboxEntry[]>;
  markSent(id: string, sentRef: MessageRef | null, now: Date): AsyncResult<void>;
  /** back to `pending` until `nextAttemptAt`, or `dead` when it is null */
  markFailed(
    id: string,
    failure: { readonly code: string; readonly message: string; readonly nextAttemptAt: Date | null },
    now: Date,
  ): AsyncResult<void>;
}

/**
 * Apple audit events claimed for alerting (the `apple_audit_events` table of one connection). A
 * poll claims what it read, alerts what its claim stored, then confirms: however many replicas
 * poll the same overlapping windows, each event id is claimed once.
 */
export interface AuditEventClaims {
  /** stores the events whose ids were never claimed; returns exactly those (each id is stored by one caller) */
  claim(events: readonly AppleAuditEvent[], now: Date): AsyncResult<readonly AppleAuditEvent[]>;
  /**
   * Claims made before `before` whose alert was never confirmed (the poll that made them stopped),
   * one batch per claim (what one poll claimed at once, so planning it again gives the same messages).
   */
  unconfirmed(before: Date): AsyncResult<readonly (readonly AppleAuditEvent[])[]>;
  /** the alerts of these events are in the outbox */
  confirm(ids: readonly string[], now: Date): AsyncResult<void>;
  /** forgets confirmed events older than `before` (past every window a poll reads); returns how many */
  prune(before: Date): AsyncResult<number>;
}
