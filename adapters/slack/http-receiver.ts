import type { IncomingMessage, ServerResponse } from "node:http";
import type { App, Receiver, ReceiverEvent } from "@slack/bolt";
import { z } from "zod";
import type { Logger } from "#core/logger.js";
import type { RequestVerifier } from "./request-verifier.js";

/**
 * Bolt's transport for HTTP mode, served by the service's own node:http server (no second port):
 * `handle(req, res)` checks the signature headers, timestamp and `Content-Length` BEFORE reading
 * the body (a refusal closes the connection without draining it), reads at most 256 KiB,
 * verifies the signature and replay, and hands only the payloads this app uses (its slash
 * command and `block_actions`) to `app.processEvent` with an `ack`
 * that writes the HTTP response, plus the one event it subscribes to (`app_home_opened`). Anything
 * else that is correctly signed (shortcuts, view submissions, block suggestions, other event
 * callbacks…) is answered 200 with nothing done. Slack
 * gets its answer as soon as a listener acks; a safety timer answers an empty 200 before Slack's
 * 3-second limit if no listener does.
 */
const MAX_BODY_BYTES = 256 * 1024;
const jsonBody = z.record(z.string(), z.unknown());

/** Events API types the app subscribes to (manifest/slack/manifest.yaml): the App Home tab opening. */
const SUBSCRIBED_EVENTS: ReadonlySet<string> = new Set<string>(["app_home_opened"]);

export interface LoopbackReceiverOptions {
  readonly verifier: RequestVerifier;
  readonly logger: Logger;
  /** the slash command the app registers (e.g. `/abm`) */
  readonly command: string;
  /** answer 200 when no listener acked by then (default 2,500 ms; Slack gives up at 3 s) */
  readonly ackTimeoutMs?: number;
  /** checks a verified request before Bolt sees it: null lets it through, a refusal answers it */
  readonly admit?: (body: Record<string, unknown>) => Promise<ReceiverRefusal | null>;
}

export interface ReceiverRefusal {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** null when the body grows past the cap (a chunked body has no Content-Length to check first) */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Content-Length as declared: null when absent, Infinity when malformed. */
function declaredLength(req: IncomingMessage): number | null {
  const value = header(req, "content-length");
  if (value === undefined) return null;
  const n = Number(value);
  return /^\d+$/.test(value) && Number.isSafeInteger(n) ? n : Number.POSITIVE_INFINITY;
}

/** Which payloads reach Bolt; null = signed, but nothing this app handles. */
function acceptedKind(body: Record<string, unknown>, command: string): string | null {
  if (typeof body.command === "string") return body.command === command ? "command" : null;
  if (body.type === "block_actions") return "block_actions";
  if (body.type === "event_callback") {
    const event = body.event;
    const type = typeof event === "object" && event !== null ? (event as Record<string, unknown>).type : undefined;
    return typeof type === "string" && SUBSCRIBED_EVENTS.has(type) ? `event:${type}` : null;
  }
  return null;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return;
  if (body === undefined || body === "") {
    res.writeHead(status, { "content-length": "0" });
    res.end();
    return;
  }
  const json = typeof body !== "string";
  const text = json ? JSON.stringify(body) : body;
  res.writeHead(status, {
    "content-type": json ? "application/json; charset=utf-8" : "text/plain; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function refuse(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, { error: { code, message } });
}

/** Refuses before the body is read: `Connection: close` keeps Node from draining the rest. */
function refuseUnread(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) return;
  res.setHeader("connection", "close");
  refuse(res, status, code, message);
}

/** Form bodies (slash commands; interactivity as `payload=<json>`) and JSON bodies (Events API). */
function parseBody(raw: string, contentType: string): Record<string, unknown> | null {
  try {
    if (contentType.startsWith("application/x-www-form-urlencoded")) {
      const form = Object.fromEntries(new URLSearchParams(raw));
      if (typeof form.payload === "string") {
        const parsed = jsonBody.safeParse(JSON.parse(form.payload));
        return parsed.success ? parsed.data : null;
      }
      return form;
    }
    const parsed = jsonBody.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export class LoopbackReceiver implements Receiver {
  private app: App | null = null;
  private readonly ackTimeoutMs: number;

  constructor(private readonly options: LoopbackReceiverOptions) {
    this.ackTimeoutMs = options.ackTimeoutMs ?? 2_500;
  }

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { logger, verifier } = this.options;
    if (req.method !== "POST") return refuseUnread(res, 405, "slack.method_not_allowed", "Slack posts to this URL.");
    const headers = {
      signature: header(req, "x-slack-signature"),
      timestamp: header(req, "x-slack-request-timestamp"),
    };
    const early = verifier.checkHeaders(headers);
    if (!early.ok) {
      logger.warn({ code: early.error.code }, "Slack request refused before its body was read");
      return refuseUnread(res, 401, early.error.code, early.error.message);
    }
    const length = declaredLength(req);
    if (length !== null && length > MAX_BODY_BYTES) {
      logger.warn({ code: "slack.body_too_large", length }, "Slack request refused before its body was read");
      return refuseUnread(res, 413, "slack.body_too_large", `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    }
    const raw = await readBody(req);
    if (raw === null) {
      return refuseUnread(res, 413, "slack.body_too_large", `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    }
    const verified = await verifier.verify(headers, raw);
    if (!verified.ok) {
      if (verified.error.retryable) {
        logger.error({ code: verified.error.code }, verified.error.message);
        return refuse(res, 503, verified.error.code, verified.error.message);
      }
      logger.warn({ code: verified.error.code }, "Slack request refused");
      return refuse(res, 401, verified.error.code, verified.error.message);
    }
    const body = parseBody(raw, header(req, "content-type") ?? "");
    if (body === null) return refuse(res, 400, "slack.bad_body", "The request body could not be parsed.");
    if (body.ssl_check !== undefined) return send(res, 200, "");
    if (body.type === "url_verification") return send(res, 200, { challenge: String(body.challenge ?? "") });
    if (acceptedKind(body, this.options.command) === null) {
      logger.info(
        { code: "slack.payload_ignored", type: String(body.type ?? body.command ?? "unknown").slice(0, 64) },
        "Signed Slack payload of a kind this app does not handle: answered 200, nothing done",
      );
      return send(res, 200, "");
    }
    const app = this.app;
    if (app === null) return refuse(res, 503, "slack.not_ready", "The Slack app is not initialised.");
    const refusal = (await this.options.admit?.(body)) ?? null;
    if (refusal !== null) return refuse(res, refusal.status, refusal.code, refusal.message);

    let acked = false;
    const timer = setTimeout(() => {
      if (acked) return;
      acked = true;
      logger.warn({ type: String(body.type ?? body.command ?? "unknown") }, "no Slack listener acked in time");
      send(res, 200, "");
    }, this.ackTimeoutMs);
    const ack = async (response?: unknown): Promise<void> => {
      if (acked) return;
      acked = true;
      clearTimeout(timer);
      send(res, 200, response ?? "");
    };
    const retryNum = Number(header(req, "x-slack-retry-num"));
    const retryReason = header(req, "x-slack-retry-reason");
    const event: ReceiverEvent = {
      body,
      ack,
      ...(Number.isInteger(retryNum) ? { retryNum } : {}),
      ...(retryReason === undefined ? {} : { retryReason }),
    };
    try {
      await app.processEvent(event);
      if (!acked) await ack();
    } catch (error) {
      clearTimeout(timer);
      logger.error({ error: error instanceof Error ? error.message : String(error) }, "Slack event processing failed");
      if (!acked) {
        acked = true;
        refuse(res, 500, "slack.processing_failed", "The event could not be processed.");
      }
    }
  }
}
