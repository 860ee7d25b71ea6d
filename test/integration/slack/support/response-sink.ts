import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";

/** A local `response_url`: captures what Bolt's `respond()` posts. */
export interface Responded {
  readonly path: string;
  readonly body: Record<string, unknown>;
  readonly at: number;
}

export interface ResponseSink {
  readonly url: string;
  readonly received: Responded[];
  /** resolves when `count` responses arrived at `path` (or rejects after `timeoutMs`) */
  waitFor(path: string, count?: number, timeoutMs?: number): Promise<Responded[]>;
  /**
   * What the message behind `path` shows after `respond({ replace_original: true })`, as Slack
   * applies it (ephemeral and channel messages alike): the last replacement, or null.
   */
  replacement(path: string): Record<string, unknown> | null;
  close(): Promise<void>;
}

export async function startResponseSink(): Promise<ResponseSink> {
  const received: Responded[] = [];
  const waiters = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = z.record(z.string(), z.unknown()).parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      received.push({ path: req.url ?? "/", body, at: Date.now() });
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
      for (const wake of waiters) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    waitFor(path, count = 1, timeoutMs = 5_000) {
      const matching = () => received.filter((r) => r.path === path);
      return new Promise((resolve, reject) => {
        const check = () => {
          if (matching().length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(matching());
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for ${count} responses at ${path}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    replacement: (path) =>
      received.filter((r) => r.path === path && r.body.replace_original === true).at(-1)?.body ?? null,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
