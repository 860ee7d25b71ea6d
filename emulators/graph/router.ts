import type { IncomingMessage, ServerResponse } from "node:http";
import { HttpError } from "../http-json.js";
import type { EmulatorContext, Route } from "./context.js";
import { decideFault } from "./faults.js";
import { sendGraphError, sendGraphJson } from "./http.js";

interface CompiledRoute {
  readonly route: Route;
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split("/")
    .map((segment) => {
      if (segment.startsWith(":")) {
        names.push(segment.slice(1));
        return "([^/]+)";
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  return { route, pattern: new RegExp(`^${source}/?$`), names };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Dispatches requests to the first route whose method and path match (registration order). */
export function createRouter(context: EmulatorContext, routes: readonly Route[]) {
  const compiled = routes.map(compile);

  const checkToken = (req: IncomingMessage, res: ServerResponse): boolean => {
    const header = req.headers.authorization ?? "";
    const token = header.startsWith("Bearer ") ? header.slice("Bearer ".length).trim() : "";
    const challenge = { "www-authenticate": 'Bearer realm="", error="invalid_token"' };
    if (token === "") {
      sendGraphError(res, 401, "InvalidAuthenticationToken", "Access token is empty.", challenge);
      return false;
    }
    const expiresAt = context.tokens.get(token);
    if (expiresAt === undefined) {
      sendGraphError(
        res,
        401,
        "InvalidAuthenticationToken",
        "Access token validation failure. Invalid audience.",
        challenge,
      );
      return false;
    }
    if (expiresAt <= context.now().getTime()) {
      sendGraphError(
        res,
        401,
        "InvalidAuthenticationToken",
        "Lifetime validation failed, the token is expired.",
        challenge,
      );
      return false;
    }
    return true;
  };

  /** false when a fault already answered (or dropped) the request */
  const applyFaults = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const { latencyMs } = context.faults;
    if (latencyMs !== undefined && latencyMs > 0) await sleep(latencyMs);
    const decision = decideFault(context.faults, context.prng);
    switch (decision.kind) {
      case "none":
        return true;
      case "reset":
        req.socket.destroy();
        return false;
      case "throttle":
        sendGraphError(res, 429, "TooManyRequests", "Too many requests. Please try again later.", {
          "retry-after": String(decision.retryAfterSeconds),
        });
        return false;
      case "unavailable":
        sendGraphError(
          res,
          decision.status,
          decision.status === 503 ? "serviceNotAvailable" : "gatewayTimeout",
          "The service is temporarily unavailable.",
        );
        return false;
    }
  };

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", context.origin());
    const path = url.pathname;
    let pathMatched = false;
    for (const { route, pattern, names } of compiled) {
      const match = pattern.exec(path);
      if (match === null) continue;
      pathMatched = true;
      if (route.method !== req.method) continue;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        params[name] = decodeURIComponent(match[i + 1] ?? "");
      });
      try {
        if (route.kind === "graph") {
          if (!(await applyFaults(req, res))) return;
          if (!checkToken(req, res)) return;
        }
        await route.handle({ req, res, url, params });
      } catch (error) {
        const status = error instanceof HttpError ? error.status : 500;
        const message = error instanceof Error ? error.message : String(error);
        if (res.headersSent) res.destroy();
        else if (route.kind === "control") sendGraphJson(res, status, { error: message });
        else sendGraphError(res, status, graphErrorCode(status), message);
      }
      return;
    }
    if (pathMatched) {
      sendGraphError(res, 405, "Request_BadRequest", `Method ${req.method ?? ""} is not allowed on ${path}.`);
    } else if (path.startsWith("/v1.0/")) {
      const segment = path.split("/")[2] ?? "";
      sendGraphError(res, 400, "BadRequest", `Resource not found for the segment '${segment}'.`);
    } else {
      sendGraphJson(res, 404, { error: `no route for ${req.method ?? ""} ${path}` });
    }
  };
}

function graphErrorCode(status: number): string {
  if (status === 400) return "BadRequest";
  if (status === 413) return "RequestEntityTooLarge";
  return "generalException";
}
