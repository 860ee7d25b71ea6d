import type { IncomingMessage } from "node:http";

/** The whole request body as UTF-8 text, for the tests' fake servers (no size limit: tests only). */
export async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8");
}
