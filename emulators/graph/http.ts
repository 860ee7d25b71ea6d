import { randomUUID } from "node:crypto";
import type { ServerResponse } from "node:http";
import { sendJson } from "../http-json.js";

const GRAPH_CONTENT_TYPE =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/** A JSON answer as Graph gives it: the OData content type and a fresh `request-id`. */
export function sendGraphJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  sendJson(res, status, body, { "content-type": GRAPH_CONTENT_TYPE, "request-id": randomUUID(), ...headers });
}

/** Graph's error body: `{"error":{"code","message","innerError":{...}}}`. */
export function sendGraphError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  const requestId = randomUUID();
  sendGraphJson(
    res,
    status,
    {
      error: {
        code,
        message,
        innerError: { date: new Date().toISOString(), "request-id": requestId, "client-request-id": requestId },
      },
    },
    headers,
  );
}
