import type { IncomingHttpHeaders } from "node:http";
import { AppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import type { TeamsConversationReference } from "./types.js";

/**
 * The small interface between this adapter and the Bot Framework SDK. Everything that imports
 * botbuilder lives in `botbuilder-transport.ts`; moving to the Teams SDK means writing another
 * implementation of `TeamsTransport` (see README.md).
 */
export interface OutgoingActivity {
  readonly type: "message";
  readonly text?: string;
  readonly summary?: string;
  readonly attachments?: readonly { readonly contentType: string; readonly content: unknown }[];
}

export interface SentActivity {
  readonly id: string | null;
}

/** A turn for one inbound activity (already authenticated by the transport). */
export interface InboundTurn {
  /** the raw activity JSON; the adapter parses it with zod */
  readonly activity: unknown;
  /** reply into the conversation (and thread) the activity came from */
  send(activity: OutgoingActivity): Promise<SentActivity>;
  /** replace a message the bot posted earlier in this conversation */
  update(activityId: string, activity: OutgoingActivity): Promise<void>;
  /** the HTTP answer to an invoke activity */
  setInvokeResponse(status: number, body: unknown): Promise<void>;
  /** open (or reuse) the 1:1 chat between the bot and `userId` and post there */
  sendPersonal(userId: string, activity: OutgoingActivity): Promise<SentActivity>;
}

/** A turn opened proactively from a stored reference. */
export interface ProactiveTurn {
  /** post; `threadOf` makes it a reply in that channel thread */
  send(activity: OutgoingActivity, options?: { readonly replyTo?: string }): Promise<SentActivity>;
  update(activityId: string, activity: OutgoingActivity): Promise<void>;
}

/** A Node http request already read: the transport never touches sockets. */
export interface TransportRequest {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

export interface TransportResponse {
  readonly status: number;
  readonly body: unknown;
  /** set when the request was refused or failed: `teams.unauthorized`, `teams.auth_unavailable`… */
  readonly code?: string;
  /** for the log only (an error name or network code), never sent to the caller */
  readonly reason?: string;
}

export interface TeamsTransport {
  /** true when no app id is configured: inbound tokens are NOT checked */
  readonly anonymous: boolean;
  /** authenticate the request and run `onTurn`; resolves with the HTTP answer to send */
  process(request: TransportRequest, onTurn: (turn: InboundTurn) => Promise<void>): Promise<TransportResponse>;
  continueConversation(
    reference: TeamsConversationReference,
    fn: (turn: ProactiveTurn) => Promise<void>,
  ): Promise<void>;
}

export type TeamsAppType = "SingleTenant" | "MultiTenant" | "UserAssignedMSI";

export interface TeamsCredentials {
  readonly appId?: string;
  readonly appPassword?: string;
  readonly tenantId?: string;
  readonly appType: TeamsAppType;
}

/** Fails fast on combinations the Bot Framework would only reject at the first message. */
export function checkCredentials(credentials: TeamsCredentials, logger: Logger): void {
  const { appId, appPassword, tenantId, appType } = credentials;
  const problems: string[] = [];
  if (appId === undefined || appId === "") {
    if (appPassword !== undefined && appPassword !== "")
      problems.push("MICROSOFT_APP_PASSWORD is set without MICROSOFT_APP_ID");
  } else {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(appId)) {
      problems.push("MICROSOFT_APP_ID must be the bot's Entra application (client) id, a GUID");
    }
    if (appType !== "UserAssignedMSI" && (appPassword === undefined || appPassword === "")) {
      problems.push(`MICROSOFT_APP_PASSWORD is required for ${appType} bots`);
    }
    if (appType !== "MultiTenant" && (tenantId === undefined || tenantId === "")) {
      problems.push(`MICROSOFT_APP_TENANT_ID is required for ${appType} bots`);
    }
  }
  if (problems.length > 0) {
    const error = new AppError("teams.config_invalid", `Teams bot configuration is invalid: ${problems.join("; ")}.`, {
      context: { appType, hasAppId: appId !== undefined && appId !== "" },
    });
    logger.error({ code: error.code, problems }, error.message);
    throw error;
  }
}
