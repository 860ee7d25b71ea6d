import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type ChatHandler,
  createSlackAdapter,
  type SlackAdapter,
  type SlackForeignRequest,
} from "#adapters/slack/index.js";
import type { ChartImageSource } from "#core/chat/ports.js";
import { silentLogger } from "#core/logger.js";
import type { SeenRequestStore } from "#core/ports/seen-requests.js";
import { type FakeSlackApi, startFakeSlackApi } from "./fake-slack-api.js";
import { type ResponseSink, startResponseSink } from "./response-sink.js";

export const SECRET = "test-signing-secret-0123456789abcdef";
const BOT_TOKEN = "xoxb-test-token";

/** The adapter on a node:http server (port 0), a fake Web API and a response_url sink. */
export interface SlackFixture {
  readonly eventsUrl: string;
  readonly adapter: SlackAdapter;
  readonly api: FakeSlackApi;
  readonly sink: ResponseSink;
  close(): Promise<void>;
}

export async function startSlackFixture(options: {
  readonly chat: ChatHandler;
  readonly api?: FakeSlackApi;
  readonly seenRequests?: SeenRequestStore;
  readonly onForeign?: (refusal: SlackForeignRequest) => Promise<void>;
  readonly chartImage?: ChartImageSource;
}): Promise<SlackFixture> {
  const api = options.api ?? (await startFakeSlackApi());
  const sink = await startResponseSink();
  const adapter = createSlackAdapter({
    signingSecret: SECRET,
    botToken: BOT_TOKEN,
    apiUrl: api.url,
    chat: options.chat,
    logger: silentLogger,
    clientRetries: 0,
    ...(options.seenRequests === undefined ? {} : { seenRequests: options.seenRequests }),
    ...(options.onForeign === undefined ? {} : { onForeign: options.onForeign }),
    ...(options.chartImage === undefined ? {} : { chartImage: options.chartImage }),
  });
  const server: Server = createServer((req, res) => {
    if (req.url === "/slack/events") void adapter.handleHttp(req, res);
    else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    eventsUrl: `http://127.0.0.1:${port}/slack/events`,
    adapter,
    api,
    sink,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sink.close();
      await api.close();
    },
  };
}
