import http from "node:http";
import https from "node:https";

/** One HTTP exchange, no retries: the SCIM client's only way onto the network. */
interface HttpRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
  header(name: string): string | undefined;
}

export type NetworkFailure = "timeout" | "reset" | "network" | "aborted";

/** Thrown by a transport when no HTTP answer arrived. */
export class TransportError extends Error {
  readonly kind: NetworkFailure;
  constructor(kind: NetworkFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TransportError";
    this.kind = kind;
  }
}

export interface HttpTransport {
  send(request: HttpRequest): Promise<HttpResponse>;
  close(): void;
}

const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);

function classify(error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && RESET_CODES.has(code))
    return new TransportError("reset", "connection reset", { cause: error });
  return new TransportError("network", "network error", { cause: error });
}

/**
 * node:http(s) with keep-alive agents sized to the concurrency: measured faster than Node 20's
 * fetch against the emulator (see bench/scim-create.ts), and it needs no extra dependency.
 */
export function createNodeHttpTransport(options: { readonly maxSockets: number }): HttpTransport {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.maxSockets,
    maxFreeSockets: options.maxSockets,
    timeout: 60_000,
  };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);

  return {
    send(request) {
      return new Promise<HttpResponse>((resolve, reject) => {
        const secure = request.url.protocol === "https:";
        const headers: Record<string, string | number> = { ...request.headers };
        if (request.body !== undefined) headers["content-length"] = Buffer.byteLength(request.body);
        const req = (secure ? https : http).request(request.url, {
          method: request.method,
          headers,
          agent: secure ? httpsAgent : httpAgent,
        });
        let settled = false;
        const finish = (fn: () => void): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          request.signal?.removeEventListener("abort", onAbort);
          fn();
        };
        const timer = setTimeout(() => {
          req.destroy(new TransportError("timeout", `no answer within ${request.timeoutMs} ms`));
        }, request.timeoutMs);
        const onAbort = (): void => {
          req.destroy(new TransportError("aborted", "request aborted"));
        };
        if (request.signal?.aborted) onAbort();
        else request.signal?.addEventListener("abort", onAbort, { once: true });

        req.on("error", (error) => finish(() => reject(classify(error))));
        req.on("response", (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", (error) => finish(() => reject(classify(error))));
          res.on("close", () => {
            if (!res.complete) finish(() => reject(new TransportError("reset", "connection closed mid-response")));
          });
          res.on("end", () =>
            finish(() => {
              const body =
                chunks.length === 1 ? (chunks[0] as Buffer).toString("utf8") : Buffer.concat(chunks).toString("utf8");
              resolve({
                status: res.statusCode ?? 0,
                body,
                header: (name) => {
                  const value = res.headers[name.toLowerCase()];
                  return Array.isArray(value) ? value[0] : value;
                },
              });
            }),
          );
        });
        req.end(request.body);
      });
    },
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/** Node's global fetch (undici, keep-alive by default), kept to compare with node:http in the bench. */
export function createFetchTransport(): HttpTransport {
  return {
    async send(request) {
      const signals = [AbortSignal.timeout(request.timeoutMs)];
      if (request.signal !== undefined) signals.push(request.signal);
      try {
        const res = await fetch(request.url, {
          method: request.method,
          headers: request.headers,
          signal: AbortSignal.any(signals),
          ...(request.body === undefined ? {} : { body: request.body }),
        });
        const body = await res.text();
        return { status: res.status, body, header: (name) => res.headers.get(name) ?? undefined };
      } catch (error) {
        if (request.signal?.aborted) throw new TransportError("aborted", "request aborted", { cause: error });
        if (error instanceof DOMException && error.name === "TimeoutError") {
          throw new TransportError("timeout", `no answer within ${request.timeoutMs} ms`, { cause: error });
        }
        throw classify((error as { cause?: unknown }).cause ?? error);
      }
    },
    close() {},
  };
}
