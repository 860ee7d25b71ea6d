import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "#core/logger.js";
import type { MetricsRegistry } from "../metrics.js";

export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

export interface Route {
  readonly method: "GET" | "POST";
  /** exact path, or a prefix when it ends with `/*` */
  readonly path: string;
  readonly handler: HttpHandler;
}

export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<{ readonly ok: boolean; readonly detail?: string }>;
}

/**
 * Limits on what one client may hold: the whole header block within `headersTimeoutMs`, the whole
 * request within `requestTimeoutMs`, at most `maxConnections` sockets, and no request whose
 * declared `Content-Length` exceeds `maxBodyBytes` (refused with 413 before its body is read; the
 * chat routes also cap bodies that arrive chunked).
 */
export interface HttpLimits {
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxConnections: number;
  readonly maxBodyBytes: number;
  /** how often Node checks the two timeouts (Node's default is 30 s, which would blur them) */
  readonly checkIntervalMs: number;
}

export const HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  maxConnections: 512,
  maxBodyBytes: 256 * 1024,
  checkIntervalMs: 1_000,
};

export interface HttpServerOptions {
  readonly routes: readonly Route[];
  readonly readiness: readonly ReadinessCheck[];
  readonly metrics: MetricsRegistry;
  readonly logger: Logger;
  /** defaults to HTTP_LIMITS; tests shorten the timeouts */
  readonly limits?: Partial<HttpLimits>;
}

export interface RunningHttpServer {
  readonly server: Server;
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Answers with `body` as JSON (UTF-8, with its length). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * Answers and closes the connection without reading the request body: `Connection: close` stops
 * Node from draining what the client still sends.
 */
function refuseUnread(res: ServerResponse, status: number, code: string, message: string): void {
  const text = JSON.stringify({ error: { code, message } });
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    connection: "close",
  });
  res.end(text);
}

function declaredLength(req: IncomingMessage): number | null {
  const value = req.headers["content-length"];
  if (value === undefined) return null;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : Number.POSITIVE_INFINITY;
}

function matches(route: Route, method: string, path: string): boolean {
  if (route.method !== method) return false;
  return route.path.endsWith("/*") ? path.startsWith(route.path.slice(0, -1)) : route.path === path;
}

/**
 * The service's one HTTP server: `/slack/events`, `/api/messages`, `/healthz`, `/readyz`,
 * `/metrics`, plus whatever routes the composition root registers.
 */
export function createHttpServer(options: HttpServerOptions): Server {
  const requests = options.metrics.counter("abm_http_requests_total", "HTTP requests by route and status");
  const latency = options.metrics.histogram("abm_http_request_seconds", "HTTP request latency by route");
  const limits: HttpLimits = { ...HTTP_LIMITS, ...options.limits };

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.checkIntervalMs,
    },
    (req, res) => {
      const started = performance.now();
      const method = req.method ?? "GET";
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      const route = options.routes.find((r) => matches(r, method, path));
      const routeLabel = route?.path ?? (["/healthz", "/readyz", "/metrics"].includes(path) ? path : "other");
      res.on("finish", () => {
        requests.inc({ route: routeLabel, status: String(res.statusCode) });
        latency.observe((performance.now() - started) / 1000, { route: routeLabel });
      });

      const handle = async (): Promise<void> => {
        const length = declaredLength(req);
        if (length !== null && length > limits.maxBodyBytes) {
          return refuseUnread(
            res,
            413,
            "http.body_too_large",
            `The request body is larger than ${limits.maxBodyBytes} bytes.`,
          );
        }
        if (route !== undefined) return route.handler(req, res);
        if (method === "GET" && path === "/healthz") return sendJson(res, 200, { ok: true });
        if (method === "GET" && path === "/readyz") {
          const results = await Promise.all(
            options.readiness.map(async (c) => ({
              name: c.name,
              ...(await c.check().catch((e: unknown) => ({ ok: false, detail: String(e) }))),
            })),
          );
          const ready = results.every((r) => r.ok);
          return sendJson(res, ready ? 200 : 503, { ready, checks: results });
        }
        if (method === "GET" && path === "/metrics") {
          res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
          res.end(options.metrics.render());
          return;
        }
        sendJson(res, 404, { error: { code: "http.not_found", message: `No route for ${method} ${path}` } });
      };

      handle().catch((error: unknown) => {
        options.logger.error(
          { err: error instanceof Error ? error.message : String(error), path },
          "HTTP handler failed",
        );
        if (!res.headersSent) sendJson(res, 500, { error: { code: "http.internal", message: "Internal error" } });
        else res.end();
      });
    },
  );
  server.maxConnections = limits.maxConnections;
  return server;
}

/** Listens on loopback by default; port 0 picks a free port (tests). */
export async function listen(server: Server, port: number, host = "127.0.0.1"): Promise<RunningHttpServer> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    server,
    port: address.port,
    url: `http://${host.includes(":") ? `[${host}]` : host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
