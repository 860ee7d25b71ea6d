import type { Context, Middleware } from "@microsoft/microsoft-graph-client";
import { type Dispatcher, fetch as undiciFetch } from "undici";

/**
 * The last link of the Graph client's middleware chain: sends the request with undici's fetch
 * through `dispatcher` (an Agent that trusts an extra CA, when one is configured). Certificate
 * verification stays on; nothing global changes. Replaces the SDK's HTTPMessageHandler, which
 * uses the global fetch that cannot be given a CA in-process.
 */
export function createFetchHandler(dispatcher: Dispatcher | undefined): Middleware {
  return {
    async execute(context: Context): Promise<void> {
      if (typeof context.request !== "string") {
        throw new TypeError("the Graph fetch handler sends URL strings only");
      }
      const options = context.options ?? {};
      const body = options.body;
      if (body !== undefined && body !== null && typeof body !== "string") {
        throw new TypeError("the Graph fetch handler sends string bodies only");
      }
      const headers: Record<string, string> = {};
      new Headers(options.headers).forEach((value, key) => {
        headers[key] = value;
      });
      const response = await undiciFetch(context.request, {
        method: options.method ?? "GET",
        headers,
        ...(typeof body === "string" ? { body } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        ...(dispatcher === undefined ? {} : { dispatcher }),
      });
      // undici's Response implements the Fetch Response the SDK reads (status, headers, json, text)
      context.response = response as unknown as Response;
    },
  };
}
