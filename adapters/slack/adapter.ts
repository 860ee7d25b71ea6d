import type { IncomingMessage, ServerResponse } from "node:http";
import { App, SocketModeReceiver } from "@slack/bolt";
import type { ChartImageSource } from "#core/chat/ports.js";
import type { Logger } from "#core/logger.js";
import type { SeenRequestStore } from "#core/ports/seen-requests.js";
import { toBoltLogger } from "./bolt-logger.js";
import { LoopbackReceiver, type ReceiverRefusal } from "./http-receiver.js";
import { type ChatHandler, registerListeners } from "./listeners.js";
import { createSlackNotifier, type SlackNotifier } from "./notifier.js";
import { createRequestVerifier } from "./request-verifier.js";
import { createSlackWebClient, type SlackWebClient, slackClientOptions } from "./web-client.js";
import { createWorkspaceGate, foreignReason, originOf, type SlackOrigin } from "./workspace.js";

export interface SlackAdapterOptions {
  /** `SLACK_SIGNING_SECRET` */
  readonly signingSecret: string;
  /** `SLACK_BOT_TOKEN` (xoxb-) */
  readonly botToken: string;
  /** `SLACK_APP_TOKEN` (xapp-): Socket Mode instead of HTTP */
  readonly appToken?: string;
  /** `SLACK_API_URL`: Web API root (tests point it at a local fake) */
  readonly apiUrl?: string;
  readonly chat: ChatHandler;
  readonly logger: Logger;
  /** Web API retries for network errors and 5xx (default 2) */
  readonly clientRetries?: number;
  /** the process's one Web API client (notifier, workspace check, profiles); built here when absent */
  readonly client?: SlackWebClient;
  /** the slash command (default `/abm`) */
  readonly command?: string;
  /** bot ids, when known (Bolt skips nothing without them: we handle commands and actions only) */
  readonly botId?: string;
  readonly botUserId?: string;
  /** where accepted request signatures are kept (the database, so replicas and restarts refuse replays) */
  readonly seenRequests?: SeenRequestStore;
  /** for tests: the clock the signature check uses */
  readonly now?: () => number;
  /** answer 200 when no listener acked by then (default 2,500 ms) */
  readonly ackTimeoutMs?: number;
  /** told about every request refused because it came from another team or app (the app audits it) */
  readonly onForeign?: (refusal: SlackForeignRequest) => Promise<void>;
  /** public URLs of chart images (`ABM_PUBLIC_URL`); without it charts are drawn as text */
  readonly chartImage?: ChartImageSource;
}

/** A signed request from a team or app other than the bot's own, refused before the chat core. */
export interface SlackForeignRequest extends SlackOrigin {
  readonly reason: string;
}

export interface SlackAdapter {
  readonly mode: "http" | "socket";
  /** `POST /slack/events` on the service's HTTP server (HTTP mode; 404 in Socket Mode) */
  handleHttp(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** connects the Socket Mode websocket; nothing to do in HTTP mode */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** alert posting (chat.postMessage / chat.update) */
  readonly notifier: SlackNotifier;
  readonly client: SlackWebClient;
}

/**
 * The Slack edge on Bolt 5. HTTP mode runs on OUR node:http server through a custom receiver
 * (signature, timestamp and replay checks; ack written as the HTTP response); Socket Mode uses
 * Bolt's SocketModeReceiver. Start-up asks `auth.test` and `bots.info` which team and app the bot
 * token belongs to (bounded; retried on the next request when Slack did not answer); requests from
 * any other team, org or app are refused (HTTP 401) before a listener runs.
 */
export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  const logger = options.logger.child({ adapter: "slack" });
  const boltLogger = toBoltLogger(logger);
  const clientOptions = slackClientOptions({
    logger: boltLogger,
    ...(options.apiUrl === undefined ? {} : { apiUrl: options.apiUrl }),
    ...(options.clientRetries === undefined ? {} : { retries: options.clientRetries }),
  });
  const client =
    options.client ??
    createSlackWebClient({
      botToken: options.botToken,
      logger,
      ...(options.apiUrl === undefined ? {} : { apiUrl: options.apiUrl }),
      ...(options.clientRetries === undefined ? {} : { retries: options.clientRetries }),
    });
  const socket = options.appToken !== undefined && options.appToken !== "";
  const command = options.command ?? "/abm";
  const gate = createWorkspaceGate(client, logger);
  const admit = async (body: Record<string, unknown>): Promise<ReceiverRefusal | null> => {
    const identity = await gate.identity();
    if (!identity.ok)
      return {
        status: 503,
        code: "slack.identity_unknown",
        message: "The bot's Slack workspace is not known yet; try again.",
      };
    const origin = originOf(body);
    const reason = foreignReason(origin, identity.value);
    if (reason === null) return null;
    logger.warn({ code: "slack.foreign_request", ...origin, reason }, "Slack request from another team or app refused");
    await options
      .onForeign?.({ ...origin, reason })
      .catch((error: unknown) =>
        logger.error({ error: error instanceof Error ? error.message : String(error) }, "could not record a refusal"),
      );
    return { status: 401, code: "slack.foreign_request", message: "This app does not serve that workspace." };
  };
  const http = socket
    ? null
    : new LoopbackReceiver({
        verifier: createRequestVerifier({
          signingSecret: options.signingSecret,
          ...(options.now === undefined ? {} : { now: options.now }),
          ...(options.seenRequests === undefined ? {} : { seen: options.seenRequests }),
        }),
        logger,
        command,
        admit,
        ...(options.ackTimeoutMs === undefined ? {} : { ackTimeoutMs: options.ackTimeoutMs }),
      });
  const receiver =
    http ??
    new SocketModeReceiver({
      appToken: options.appToken ?? "",
      logger: boltLogger,
      installerOptions: { clientOptions: { slackApiUrl: clientOptions.slackApiUrl } },
    });
  const botToken = options.botToken;
  const app = new App({
    receiver,
    logger: boltLogger,
    // our own authorize: no auth.test, at start-up or per event
    authorize: async () => ({
      botToken,
      ...(options.botId === undefined ? {} : { botId: options.botId }),
      ...(options.botUserId === undefined ? {} : { botUserId: options.botUserId }),
    }),
    ignoreSelf: false,
    convoStore: false,
    tokenVerificationEnabled: false,
    clientOptions,
  });
  if (socket) {
    // Socket Mode has no HTTP answer: a foreign envelope is acknowledged and dropped
    app.use(async (args) => {
      const refusal = await admit(args.body as unknown as Record<string, unknown>);
      if (refusal === null) return args.next();
      if ("ack" in args && typeof args.ack === "function") await (args.ack as () => Promise<void>)();
    });
  }
  app.error(async (error) => {
    logger.error({ code: error.code ?? "slack.listener_failed", error: error.message }, "Slack listener failed");
  });
  const render = options.chartImage === undefined ? {} : { chartImage: options.chartImage };
  registerListeners(app, {
    chat: options.chat,
    logger,
    command,
    render,
  });

  return {
    mode: socket ? "socket" : "http",
    async handleHttp(req, res) {
      if (http === null) {
        res.writeHead(404, { "content-type": "application/json; charset=utf-8" });
        res.end(JSON.stringify({ error: { code: "slack.socket_mode", message: "Slack runs in Socket Mode here." } }));
        return;
      }
      await http.handle(req, res);
    },
    async start() {
      await gate.identity(); // learn the workspace now; a failure is logged and retried per request
      if (socket) await app.start();
    },
    async stop() {
      if (socket) await app.stop();
    },
    notifier: createSlackNotifier({ client, logger, render }),
    client,
  };
}
