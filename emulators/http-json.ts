import type { IncomingMessage, ServerResponse } from "node:http";
import type { z } from "zod";

/** The largest request body an emulator reads. */
const MAX_BODY_BYTES = 1_000_000;

/**
 * A refusal an emulator answers with: the status, a message and extra headers. Each emulator
 * writes the body in its own error shape (SCIM error, JSON:API `errors`, Graph `error`).
 */
export class HttpError extends Error {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = "HttpError";
    this.status = status;
    this.headers = headers;
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, message);

/** A JSON answer; `headers` come last, so an emulator may set its own content type (SCIM, OData). */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** An answer without a body (204 by default). */
export function sendEmpty(res: ServerResponse, status = 204, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, headers);
  res.end();
}

/**
 * The request body as text. Past the size limit it fails with 413 and drains the rest without
 * keeping it, so the refusal can still be written on the open connection.
 */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else {
        tooLarge = true;
        chunks.length = 0;
        reject(new HttpError(413, "The request body is too large."));
      }
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

/** The request body as JSON, `{}` when it is empty; 400 when it is not JSON. */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const text = await readBody(req);
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest("The body is not valid JSON.");
  }
}

/** `value` checked against `schema`; 400 naming each problem (`path: message; …`) when it does not fit. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw badRequest(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; "));
  return parsed.data;
}
