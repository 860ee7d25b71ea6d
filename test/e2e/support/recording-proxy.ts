import { createServer, request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";

/** One SCIM request as the client sent it (method, path after the SCIM root, JSON body if any). */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

export interface RecordingProxy {
  /** the SCIM root to give the client (same path as the emulator's) */
  readonly url: string;
  readonly requests: RecordedRequest[];
  clear(): void;
  close(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of the ABM emulator that records every request body, so tests can
 * assert what the SCIM client actually sent (e.g. a PATCH that touches one attribute only).
 */
export async function startRecordingProxy(scimUrl: string): Promise<RecordingProxy> {
  const upstream = new URL(scimUrl);
  const requests: RecordedRequest[] = [];
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
      requests.push({ method: req.method ?? "GET", path: url.slice(upstream.pathname.length), body });
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
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
  return {
    url: `http://127.0.0.1:${port}${upstream.pathname}`,
    requests,
    clear: () => {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
