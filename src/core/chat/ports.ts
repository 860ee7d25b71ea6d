import type { AppError } from "../errors.js";
import type { Result } from "../result.js";
import type { SubscribedKinds } from "./alerts/kinds.js";
import type { AlertRoute } from "./alerts/stores.js";
import type { DigestCadence } from "./digest/period.js";
import type { ChartBlock } from "./reply.js";

/**
 * The narrow ports the chat core needs. The composition root adapts the database repositories,
 * Microsoft Graph and the chat SDKs to them; the core never knows which store or platform is behind.
 */
export type { ChatPlatform } from "../platform.js";

import type { ChatPlatform } from "../platform.js";

/** Who typed the command or clicked the button. */
export interface ChatActor {
  readonly platform: ChatPlatform;
  /** Slack user id (`U…`/`W…`), Teams user id, or `cli:<os user>` */
  readonly id: string;
  readonly displayName?: string;
  /** as the platform reports it; compared case-insensitively */
  readonly email?: string;
  /** Entra object id (Teams `aadObjectId`, or looked up by the adapter) */
  readonly entraObjectId?: string;
  /** the lookup of who this is failed (Slack profile or Graph unreachable): the same person may hide behind another id */
  readonly identityUnknown?: true;
}

/** Where a command was typed (and where replies, echoes and alert routes go). */
export interface ConversationRef {
  readonly platform: ChatPlatform;
  /** Slack channel id, Teams conversation id, `cli` */
  readonly channelId: string;
  readonly threadId?: string;
}

/** A posted message that can be edited later (Slack channel + ts, Teams conversation + activity id). */
export interface MessageRef {
  readonly platform: ChatPlatform;
  readonly channelId: string;
  readonly messageId: string;
}

/** Graph group membership (transitive or direct is the implementation's choice). */
export interface GroupMembership {
  isMember(entraObjectId: string, groupId: string): Promise<Result<boolean, AppError>>;
}

/** What setting a subscription did. */
export type SubscriptionChange = "added" | "changed" | "unchanged";

/** The alert routes of one connection: `alerts here <kinds>`, `alerts off`, `alerts list`. */
export interface AlertRouteBook {
  /** adds the route, or changes its kinds */
  set(
    conversation: ConversationRef,
    kinds: SubscribedKinds,
    setBy: string,
  ): Promise<Result<SubscriptionChange, AppError>>;
  /** returns false when there was no route here */
  remove(conversation: ConversationRef): Promise<Result<boolean, AppError>>;
  /** configured routes (`ABM_ALERT_CHANNELS`) and the ones set from chat; a channel set from chat wins */
  list(): Promise<Result<readonly AlertRoute[], AppError>>;
}

/** A channel that receives the digest (`digest daily|weekly`). */
export interface DigestSubscription {
  readonly platform: ChatPlatform;
  readonly channelId: string;
  readonly cadence: DigestCadence;
  readonly setBy: string;
  readonly setAt: Date;
}

/** The digest subscriptions of one connection. */
export interface DigestBook {
  /** `null` turns it off here; returns what changed (`unchanged` also when off and there was none) */
  set(
    conversation: ConversationRef,
    cadence: DigestCadence | null,
    setBy: string,
  ): Promise<Result<SubscriptionChange, AppError>>;
  list(): Promise<Result<readonly DigestSubscription[], AppError>>;
}

/**
 * Stored conversation references of one connection (Teams needs one to post proactively, from any
 * replica). The reference is the platform's own JSON; the adapter that reads it validates it.
 */
export interface ConversationReferences {
  /** inserts or replaces by conversation id */
  save(platform: ChatPlatform, conversationId: string, reference: unknown): Promise<void>;
  /** null when none is stored */
  load(conversationId: string): Promise<unknown>;
}

/**
 * Where a platform gets the image of a chart block: a URL (Slack fetches images itself) or a
 * `data:` URI (Teams cards carry it inline); null when there is none (the renderer draws text).
 */
export type ChartImageSource = (chart: ChartBlock) => string | null;
