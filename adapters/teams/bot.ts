import type { IncomingMessage, ServerResponse } from "node:http";
import type { ChartImageSource, ConversationReferences } from "#core/chat/ports.js";
import type { Logger } from "#core/logger.js";
import { createBotbuilderTransport } from "./botbuilder-transport.js";
import { declaredLength, MAX_ACTIVITY_BYTES, readJsonObject, refuseUnread, writeJson } from "./http-bridge.js";
import { type ActivityOrigin, activityOrigin, isOurTenant } from "./tenant.js";
import type { TeamsAppType, TeamsTransport } from "./transport.js";
import { createTurnRouter, type TeamsChat } from "./turn-router.js";

export interface TeamsBotOptions {
  readonly appId?: string;
  readonly appPassword?: string;
  readonly tenantId?: string;
  readonly appType: TeamsAppType;
  /** the chat core (the same `handle` / `handleAction` the Slack edge calls) */
  readonly chat: TeamsChat;
  /** where conversation references are saved (on each command and on installation) */
  readonly conversations: ConversationReferences;
  readonly logger: Logger;
  /** the Bot Framework's OpenID metadata URL (tests point it at a local server) */
  readonly openIdMetadataUrl?: string;
  /** tests and a future Teams SDK port inject their own; defaults to botbuilder */
  readonly transport?: TeamsTransport;
  /**
   * The one Entra tenant the bot serves (`MICROSOFT_APP_TENANT_ID`, else `AZURE_TENANT_ID`):
   * activities from any other tenant are refused (401) before authentication and the chat core.
   */
  readonly allowedTenantId?: string;
  /** told about each activity refused for its tenant (the app audits it) */
  readonly onForeign?: (origin: ActivityOrigin) => Promise<void>;
  /** charts as inline images (`data:` URIs); without it they are drawn as monospace text */
  readonly chartImage?: ChartImageSource;
}

export interface TeamsBot {
  /** true when no app id is configured: inbound requests are NOT authenticated. Warn loudly. */
  readonly anonymous: boolean;
  /** share it with `createTeamsNotifier` so proactive posts use the same credentials */
  readonly transport: TeamsTransport;
  /** `POST /api/messages` on the app's node:http server */
  handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

/** Fixed answers: a refusal never carries the SDK's error text (host names, key ids…). */
const UNAUTHORIZED = "Unauthorized.";
const FIXED: Readonly<Record<number, string>> = {
  401: UNAUTHORIZED,
  503: "The Bot Framework signing keys could not be fetched; try again later.",
  500: "Internal error.",
};

/** A Bot Framework request carries `Authorization: Bearer <JWT>`; anything else is refused unread. */
const BEARER = /^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const MAX_AUTHORIZATION_CHARS = 16 * 1024;

export function createTeamsBot(options: TeamsBotOptions): TeamsBot {
  const logger = options.logger.child({ adapter: "teams" });
  const transport =
    options.transport ??
    createBotbuilderTransport({
      credentials: {
        appType: options.appType,
        ...(options.appId === undefined ? {} : { appId: options.appId }),
        ...(options.appPassword === undefined ? {} : { appPassword: options.appPassword }),
        ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
      },
      logger,
      ...(options.openIdMetadataUrl === undefined ? {} : { openIdMetadataUrl: options.openIdMetadataUrl }),
    });
  if (transport.anonymous) {
    logger.warn(
      { code: "teams.anonymous" },
      "Teams bot runs WITHOUT authentication (no MICROSOFT_APP_ID): any caller can post activities. Use only for local testing.",
    );
  }
  const onTurn = createTurnRouter({
    chat: options.chat,
    conversations: options.conversations,
    logger,
    ...(options.chartImage === undefined ? {} : { chartImage: options.chartImage }),
  });

  return {
    anonymous: transport.anonymous,
    transport,
    async handleHttp(req, res) {
      if (req.method !== "POST") {
        refuseUnread(res, 405, "Only POST is accepted.");
        return;
      }
      // checked before a byte of the body is read
      const authorization = req.headers.authorization;
      if (
        !transport.anonymous &&
        (authorization === undefined || authorization.length > MAX_AUTHORIZATION_CHARS || !BEARER.test(authorization))
      ) {
        logger.warn({ code: "teams.unauthorized", reason: "no bearer token" }, "Refused an activity before reading it");
        refuseUnread(res, 401, UNAUTHORIZED);
        return;
      }
      const length = declaredLength(req);
      if (length !== null && length > MAX_ACTIVITY_BYTES) {
        logger.warn({ code: "teams.body_too_large", length }, "Refused an activity before reading it");
        refuseUnread(res, 413, `Activity body is larger than ${MAX_ACTIVITY_BYTES} bytes.`);
        return;
      }
      const body = await readJsonObject(req);
      if (!body.ok) {
        logger.warn({ code: body.error.code }, body.error.message);
        if (body.error.code === "teams.body_too_large") refuseUnread(res, 413, body.error.message);
        else writeJson(res, 400, body.error.message);
        return;
      }
      const allowed = options.allowedTenantId;
      if (allowed !== undefined) {
        const origin = activityOrigin(body.value);
        if (!isOurTenant(origin, allowed)) {
          logger.warn(
            { code: "teams.foreign_tenant", tenant: origin.tenantId, type: origin.type },
            "Refused an activity from another tenant",
          );
          await options
            .onForeign?.(origin)
            .catch((error: unknown) =>
              logger.error(
                { error: error instanceof Error ? error.message : String(error) },
                "could not record a refusal",
              ),
            );
          writeJson(res, 401, "Unauthorized.");
          return;
        }
      }
      try {
        const answer = await transport.process({ method: "POST", headers: req.headers, body: body.value }, onTurn);
        const fixed = answer.code === undefined ? undefined : FIXED[answer.status];
        if (answer.status === 401 || answer.status === 503) {
          logger.warn(
            { code: answer.code ?? "teams.unauthorized", reason: answer.reason, status: answer.status },
            "Refused an activity: Bot Framework token not accepted",
          );
        }
        writeJson(res, answer.status, fixed ?? answer.body);
      } catch (error) {
        logger.error(
          { code: "teams.process_failed", error: error instanceof Error ? error.message : String(error) },
          "Teams request failed",
        );
        if (!res.headersSent) writeJson(res, 500, "Internal error.");
      }
    },
  };
}
