import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { readText } from "#test/support/read-text.js";

/**
 * A local stand-in for the Bot Framework connector (the activity's `serviceUrl`): records every
 * request and answers like the real service (`{id}` for sends, a conversation id for creates).
 */
export interface CapturedRequest {
  readonly method: string;
  readonly path: string;
  /** decoded path segments after /v3/conversations */
  readonly conversationId: string | null;
  readonly activityId: string | null;
  readonly body: Record<string, unknown>;
  readonly authorization: string | undefined;
}

export interface FakeConnector {
  readonly url: string;
  readonly requests: CapturedRequest[];
  /** the next `n` createConversation calls (1:1 chats) are refused with 403 */
  refuseConversations(n: number): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readText(req);
  return text === "" ? {} : (JSON.parse(text) as Record<string, unknown>);
}

export async function startFakeConnector(): Promise<FakeConnector> {
  const requests: CapturedRequest[] = [];
  let counter = 0;
  let refusals = 0;
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = (req.url ?? "").split("?")[0] ?? "";
      const match = /^\/v3\/conversations(?:\/([^/]+)(?:\/activities(?:\/([^/]+))?)?)?$/.exec(path);
      const conversationId = match?.[1] === undefined ? null : decodeURIComponent(match[1]);
      const activityId = match?.[2] === undefined ? null : decodeURIComponent(match[2]);
      requests.push({
        method: req.method ?? "",
        path,
        conversationId,
        activityId,
        body,
        authorization: req.headers.authorization,
      });
      res.setHeader("content-type", "application/json");
      if (match === null) {
        res.writeHead(404).end(JSON.stringify({ error: { code: "NotFound", message: path } }));
        return;
      }
      counter += 1;
      if (req.method === "POST" && conversationId === null && refusals > 0) {
        refusals -= 1;
        res.writeHead(403).end(JSON.stringify({ error: { code: "BotNotInConversationRoster", message: "no" } }));
        return;
      }
      if (req.method === "POST" && conversationId === null) {
        res.writeHead(201).end(JSON.stringify({ id: `a:personal-${counter}`, activityId: "" }));
        return;
      }
      if (req.method === "PUT") {
        res.writeHead(200).end(JSON.stringify({ id: activityId }));
        return;
      }
      res.writeHead(201).end(JSON.stringify({ id: `activity-${counter}` }));
    })().catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    refuseConversations: (n) => {
      refusals = n;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
