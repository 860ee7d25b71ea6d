import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";

/** One SCIM request as the client sent it (method, path after the SCIM root, JSON body if any). */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

/**
 * What the proxy does with one request: pass it on, pass it on and then drop the connection before
 * the client hears the answer (ABM did the work, the client does not know), or answer it itself
 * without passing it on.
 */
export type ProxyAction = "forward" | "lose-answer" | { readonly status: number; readonly retryAfterSeconds?: number };

export interface RecordingProxy {
  /** the SCIM root to give the client (same path as the emulator's) */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** decides each request's fate (default: forward everything); set it to script faults on exact requests */
  intercept: (request: RecordedRequest) => ProxyAction;
  clear(): void;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of the ABM emulator that records every request body, so tests can
 * assert what the SCIM client actually sent (e.g. a PATCH that touches one attribute only), and can
 * script a fault on one exact request where the emulator's seeded faults hit requests at random.
 */
export async function startRecordingProxy(scimUrl: string): Promise<RecordingProxy> {
  const upstream = new URL(scimUrl);
  const requests: RecordedRequest[] = [];
  const proxy: RecordingProxy = {
    url: "",
    requests,
    intercept: () => "forward",
    clear: () => {
      requests.length = 0;
    },
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = null;
      if (text !== "") {
        try {
          body = JSON.parse(text);
        } catch {
          body = text;
        }
      }
      const url = req.url ?? "/";
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        path: decodeURIComponent(url.slice(upstream.pathname.length)),
        body,
      };
      requests.push(recorded);
      const action = proxy.intercept(recorded);
      if (typeof action === "object") {
        const headers: Record<string, string> = { "content-type": "application/scim+json" };
        if (action.retryAfterSeconds !== undefined) headers["retry-after"] = String(action.retryAfterSeconds);
        res.writeHead(action.status, headers);
        res.end(
          JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: `${action.status}` }),
        );
        return;
      }
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          if (action === "lose-answer") {
            answer.resume();
            answer.on("end", () => req.socket.resetAndDestroy());
            return;
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on("error", () => req.socket.destroy());
      forward.end(text === "" ? undefined : text);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
