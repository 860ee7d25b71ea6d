import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { readText } from "#test/support/read-text.js";

/**
 * A local fake of the Slack Web API (`SLACK_API_URL`): answers auth.test, chat.postMessage,
 * chat.update, chat.postEphemeral and views.publish, records every call, and can answer 429 with Retry-After.
 */
export interface ApiCall {
  readonly method: string;
  readonly body: Record<string, unknown>;
  readonly at: number;
}

const callBody = z.record(z.string(), z.unknown());

async function read(req: IncomingMessage): Promise<Record<string, unknown>> {
  const raw = await readText(req);
  const type = req.headers["content-type"] ?? "";
  if (type.includes("json")) return callBody.parse(JSON.parse(raw));
  const form: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    form[key] = key === "blocks" || key === "attachments" || key === "view" ? JSON.parse(value) : value;
  }
  return form;
}

export interface FakeSlackApi {
  readonly url: string;
  readonly calls: ApiCall[];
  /** the next `n` calls of `method` answer 429 with Retry-After `seconds` */
  rateLimit(method: string, n: number, seconds: number): void;
  /** the next `n` calls of `method` answer `{ ok: false, error }` */
  failWith(method: string, n: number, error: string): void;
  byMethod(method: string): ApiCall[];
  /** users.info answers this e-mail on the user's profile (none when unset) */
  setEmail(userId: string, email: string): void;
  close(): Promise<void>;
}

export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const emails = new Map<string, string>();
  const calls: ApiCall[] = [];
  const limits = new Map<string, { n: number; seconds: number }>();
  const failures = new Map<string, { n: number; error: string }>();
  let seq = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const method = (req.url ?? "/").replace(/^\/+/, "").split("?")[0] ?? "";
      const body = await read(req);
      calls.push({ method, body, at: Date.now() });
      const json = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(JSON.stringify(payload));
      };
      const limit = limits.get(method);
      if (limit !== undefined && limit.n > 0) {
        limit.n -= 1;
        return json(429, { ok: false, error: "ratelimited" }, { "retry-after": String(limit.seconds) });
      }
      const failure = failures.get(method);
      if (failure !== undefined && failure.n > 0) {
        failure.n -= 1;
        return json(200, { ok: false, error: failure.error });
      }
      switch (method) {
        case "auth.test":
          return json(200, { ok: true, user_id: "UBOT", bot_id: "BBOT", team_id: "T1" });
        case "users.info": {
          const email = emails.get(String(body.user));
          return json(200, {
            ok: true,
            user: { id: String(body.user), profile: email === undefined ? {} : { email } },
          });
        }
        case "bots.info":
          return json(200, { ok: true, bot: { id: String(body.bot), app_id: "A1", name: "abm" } });
        case "chat.postMessage": {
          seq += 1;
          const ts = `1700000000.${String(seq).padStart(6, "0")}`;
          return json(200, { ok: true, channel: String(body.channel), ts, message: { ts } });
        }
        case "chat.update":
          return json(200, { ok: true, channel: String(body.channel), ts: String(body.ts) });
        case "chat.postEphemeral":
          return json(200, { ok: true, message_ts: "1700000000.999999" });
        case "views.publish":
          return json(200, { ok: true, view: { id: "VHOME1", type: "home", ...(body.view as object) } });
        default:
          return json(200, { ok: false, error: "unknown_method" });
      }
    })().catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    calls,
    rateLimit: (method, n, seconds) => limits.set(method, { n, seconds }),
    failWith: (method, n, error) => failures.set(method, { n, error }),
    byMethod: (method) => calls.filter((c) => c.method === method),
    setEmail: (userId, email) => emails.set(userId, email),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
