/**
 * 200 concurrent signed `/abm status` requests against the Slack adapter on loopback (real Bolt,
 * node:http, the chat core over an in-memory engine, a fake Web API and a response_url sink).
 * Prints time to ack (HTTP response) and time to answer (respond() arriving at the sink). The load
 * comes from a child process, so the client's own work does not slow the server it measures.
 *   npm run bench -- slack-ack
 */
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { postSigned, sign, slashCommandBody } from "#test/integration/slack/support/signed-request.js";
import { SECRET, startSlackFixture } from "#test/integration/slack/support/slack-fixture.js";
import { createHarness, VIEWER } from "#test/support/chat/harness.js";

const REQUESTS = 200;

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[index] ?? 0) * 10) / 10;
}

async function main(): Promise<void> {
  const harness = createHarness();
  const fx = await startSlackFixture({ chat: harness.core });
  try {
    // warm-up: module loading is not what we measure
    for (let i = 0; i < 5; i += 1) {
      const body = slashCommandBody({ text: "status", userId: VIEWER, responseUrl: `${fx.sink.url}/first/${i}` });
      await postSigned(fx.eventsUrl, body, { secret: SECRET });
      await fx.sink.waitFor(`/first/${i}`);
    }
    const { started, acks } = await runClient(fx.eventsUrl, fx.sink.url, () =>
      Promise.all(Array.from({ length: REQUESTS }, (_, i) => fx.sink.waitFor(`/warm/${i}`, 1, 30_000))),
    );
    const answers = await Promise.all(
      Array.from({ length: REQUESTS }, async (_, i) => {
        const [answer] = await fx.sink.waitFor(`/r/${i}`, 1, 30_000);
        return (answer?.at ?? Date.now()) - (started[i] ?? 0);
      }),
    );
    console.log(
      `bench slack-ack requests=${REQUESTS} ack_p50_ms=${percentile(acks, 50)} ack_p99_ms=${percentile(acks, 99)} answer_p50_ms=${percentile(answers, 50)} answer_p99_ms=${percentile(answers, 99)}`,
    );
  } finally {
    await fx.close();
  }
}

const clientReport = z.object({ started: z.array(z.number()), acks: z.array(z.number()) });

/** spawns this file as the load generator and reads its one-line JSON report */
function runClient(
  eventsUrl: string,
  sinkUrl: string,
  waitWarm: () => Promise<unknown>,
): Promise<z.infer<typeof clientReport>> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", fileURLToPath(import.meta.url), "--client", eventsUrl, sinkUrl],
      { stdio: ["pipe", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      if (out.startsWith("warm\n")) {
        out = out.slice(5);
        void waitWarm().then(() => child.stdin.end("go\n"), reject);
      }
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`load generator exited with ${code}`));
      else resolve(clientReport.parse(JSON.parse(out)));
    });
  });
}

/** one signed POST over a keep-alive agent (fetch costs more client CPU than the server we measure) */
function post(agent: Agent, url: URL, body: string): Promise<number> {
  const timestamp = Math.floor(Date.now() / 1000);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        agent,
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "content-length": Buffer.byteLength(body),
          "x-slack-request-timestamp": String(timestamp),
          "x-slack-signature": sign(SECRET, timestamp, body),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () =>
          res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** the child: one warm-up round opens the connections, then 200 concurrent signed requests */
async function client(eventsUrl: string, sinkUrl: string): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: REQUESTS });
  const url = new URL(eventsUrl);
  const round = (prefix: string) =>
    Array.from({ length: REQUESTS }, (_, i) =>
      slashCommandBody({ text: "status", userId: VIEWER, responseUrl: `${sinkUrl}/${prefix}/${i}` }),
    );
  await Promise.all(round("warm").map((body) => post(agent, url, body)));
  // the parent says "go" once every warm-up answer has arrived (the server is quiet again)
  process.stdout.write("warm\n");
  await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
  const started: number[] = [];
  const acks = await Promise.all(
    round("r").map((body, i) => {
      started[i] = Date.now();
      return post(agent, url, body);
    }),
  );
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ started, acks })}\n`);
}

const [mode, eventsUrl, sinkUrl] = process.argv.slice(2);
const run =
  mode === "--client" && eventsUrl !== undefined && sinkUrl !== undefined ? client(eventsUrl, sinkUrl) : main();
run.catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
