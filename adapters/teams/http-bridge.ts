import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { AppError } from "#core/errors.js";
import { err, ok, type Result } from "#core/result.js";

/** Reads and parses a JSON object body from a node:http request, with a size limit. */
export const MAX_ACTIVITY_BYTES = 256 * 1024;

const jsonObject = z.record(z.string(), z.unknown());

export async function readJsonObject(
  req: IncomingMessage,
  limit = MAX_ACTIVITY_BYTES,
): Promise<Result<Record<string, unknown>, AppError>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limit) {
      return err(
        new AppError("teams.body_too_large", `Activity body is larger than ${limit} bytes.`, { context: { limit } }),
      );
    }
    chunks.push(buffer);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (cause) {
    return err(new AppError("teams.invalid_json", "Activity body is not valid JSON.", { cause }));
  }
  const object = jsonObject.safeParse(parsed);
  if (!object.success) return err(new AppError("teams.invalid_activity", "Activity body must be a JSON object."));
  return ok(object.data);
}

/** Content-Length as declared: null when absent, Infinity when malformed. */
export function declaredLength(req: IncomingMessage): number | null {
  const value = req.headers["content-length"];
  if (value === undefined) return null;
  const n = Number(value);
  return /^\d+$/.test(value) && Number.isSafeInteger(n) ? n : Number.POSITIVE_INFINITY;
}

/** Answers without reading the request body; `Connection: close` keeps Node from draining it. */
export function refuseUnread(res: ServerResponse, status: number, message: string): void {
  res.setHeader("connection", "close");
  writeJson(res, status, message);
}

export function writeJson(res: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    res.writeHead(status);
    res.end();
    return;
  }
  const text = typeof body === "string" ? JSON.stringify({ error: body }) : JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
