import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";
import { HttpError, parseWith, readBody, readJson, sendEmpty, sendJson } from "../http-json.js";
import { createFaultInjector, type Faults, faultsSchema } from "./faults.js";
import type { JsonObject } from "./json.js";
import { ScimHttpError, scimErrorBody } from "./scim-error.js";
import { handleScim, type ScimResponse } from "./scim-routes.js";
import { createStatsRecorder, type EmulatorStats } from "./stats.js";
import { createUserStore } from "./user-store.js";

export interface AbmEmulatorOptions {
  readonly host?: string;
  readonly port?: number;
  readonly token: string;
  /** a second token it accepts too (Apple's two-token overlap: the next token, made before the first expires) */
  readonly nextToken?: string;
  /** when set, userNames must be in one of these domains (like ABM's verified domains) */
  readonly verifiedDomains?: readonly string[];
  readonly maxPageSize?: number;
  /** seed of the fault-injection random source, so runs repeat */
  readonly seed?: number;
  /** path of the SCIM root; Apple's is /feeds/business/scim */
  readonly basePath?: string;
  /** faults in force from the start and again after every reset (e.g. a rate limit and latency) */
  readonly faults?: Faults;
}

export interface AbmEmulator {
  readonly scimUrl: string;
  readonly token: string;
  /** the second accepted token, when one was given */
  readonly nextToken: string | null;
  stats(): EmulatorStats;
  /** forget users, conflicts and stats; faults and accepted tokens go back to the start's; the fault random source starts over */
  reset(): void;
  users(): JsonObject[];
  /** store users directly (same rules as POST /Users), e.g. to seed a large directory fast */
  addUsers(users: readonly JsonObject[]): JsonObject[];
  setFaults(faults: Faults): void;
  addConflicts(userNames: readonly string[]): void;
  /** the tokens it accepts from now on (like `POST /_emulator/tokens`) */
  setTokens(tokens: readonly string[]): void;
  close(): Promise<void>;
}

const SCIM_TYPE = "application/scim+json";
const conflictsBody = z.object({ userNames: z.array(z.string()) }).strict();
const tokensBody = z.object({ tokens: z.array(z.string().min(1)) }).strict();
const revokeBody = z.object({ token: z.string().min(1) }).strict();

/** A SCIM JSON answer (`application/scim+json`), or an empty one when `body` is undefined. */
function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (body === undefined) sendEmpty(res, status, headers);
  else sendJson(res, status, body, { "content-type": SCIM_TYPE, ...headers });
}

/** Starts the ABM SCIM emulator on loopback (port 0 = any free port). */
export async function startAbmEmulator(options: AbmEmulatorOptions): Promise<AbmEmulator> {
  const host = options.host ?? "127.0.0.1";
  const basePath = (options.basePath ?? "/feeds/business/scim").replace(/\/$/, "");
  const maxPageSize = options.maxPageSize ?? 100;
  const baseline = faultsSchema.parse(options.faults ?? {});
  const faults = createFaultInjector(options.seed ?? 1);
  faults.set(baseline);
  const stats = createStatsRecorder();
  let scimUrl = "";
  const baseUrl = (): string => scimUrl;
  const store = createUserStore({ verifiedDomains: options.verifiedDomains, baseUrl, now: () => new Date() });
  const startTokens = options.nextToken === undefined ? [options.token] : [options.token, options.nextToken];
  // the Authorization headers it accepts; revoking a token (or setting the list) changes them
  let accepted = new Set(startTokens.map((t) => `Bearer ${t}`));
  const setTokens = (tokens: readonly string[]): void => {
    accepted = new Set(tokens.map((t) => `Bearer ${t}`));
  };

  async function control(method: string, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (method === "GET" && path === "/_emulator/users") return send(res, 200, store.all());
    if (method === "GET" && path === "/_emulator/stats") return send(res, 200, stats.snapshot());
    if (method === "POST" && path === "/_emulator/reset") {
      reset();
      return send(res, 204, undefined);
    }
    if (method === "POST" && path === "/_emulator/tokens") {
      const { tokens } = parseWith(tokensBody, await readJson(req));
      setTokens(tokens);
      return send(res, 200, { accepted: tokens.length });
    }
    if (method === "POST" && path === "/_emulator/tokens/revoke") {
      const { token } = parseWith(revokeBody, await readJson(req));
      const revoked = accepted.delete(`Bearer ${token}`);
      return send(res, 200, { revoked, accepted: accepted.size });
    }
    if (method === "POST" && path === "/_emulator/faults") {
      const parsed = parseWith(faultsSchema, await readJson(req));
      faults.set(parsed);
      return send(res, 200, parsed);
    }
    if (method === "POST" && path === "/_emulator/conflicts") {
      const { userNames } = parseWith(conflictsBody, await readJson(req));
      store.addConflicts(userNames);
      return send(res, 200, { added: userNames.length });
    }
    return send(res, 404, { error: "Unknown emulator control endpoint." });
  }

  async function scim(
    method: string,
    path: string,
    query: string,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const body = method === "GET" || method === "DELETE" ? "" : await readBody(req);
    const latency = faults.get().latencyMs ?? 0;
    if (latency > 0) await sleep(latency);
    let response: ScimResponse;
    let decision = faults.decide();
    const authorized = accepted.has(req.headers.authorization ?? "");
    const limitedFor = authorized ? faults.rateLimit() : null;
    if (!authorized) {
      decision = "none";
      response = {
        status: 401,
        body: new ScimHttpError(401, "The bearer token is missing, expired or revoked.").body(),
        headers: { "www-authenticate": 'Bearer realm="scim"' },
      };
    } else if (limitedFor !== null) {
      decision = "none";
      stats.injected("rateLimited");
      response = {
        status: 429,
        body: new ScimHttpError(429, "Too many requests: the rate limit is exceeded.").body(),
        headers: { "retry-after": String(limitedFor) },
      };
    } else if (decision === "429") {
      stats.injected("status429");
      const retryAfter = String(faults.get().retryAfterSeconds ?? 1);
      response = {
        status: 429,
        body: new ScimHttpError(429, "Too many requests.").body(),
        headers: { "retry-after": retryAfter },
      };
    } else if (decision === "5xx") {
      stats.injected("status5xx");
      response = { status: 503, body: new ScimHttpError(503, "The service is temporarily unavailable.").body() };
    } else {
      try {
        response = handleScim(
          { method, path: path.slice(basePath.length), query: new URLSearchParams(query), body },
          { store, maxPageSize, baseUrl },
        );
      } catch (error) {
        if (!(error instanceof ScimHttpError)) throw error;
        response = { status: error.status, body: error.body() };
      }
    }
    if (decision === "reset") {
      // The work is done but the client never hears about it: the hardest case for idempotency.
      stats.injected("resets");
      stats.record(method, "reset");
      req.socket.resetAndDestroy();
      return;
    }
    stats.record(method, response.status);
    send(res, response.status, response.body, response.headers);
  }

  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q === -1 ? url : url.slice(0, q);
    const query = q === -1 ? "" : url.slice(q + 1);
    if (path.startsWith("/_emulator/")) {
      // the control API answers its refusals as `{ error }`, like the Graph emulator's
      control(method, path, req, res).catch((error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        const message = error instanceof HttpError ? error.message : "Internal emulator error.";
        if (!res.headersSent) send(res, status, { error: message });
      });
    } else if (path === basePath || path.startsWith(`${basePath}/`)) {
      scim(method, path, query, req, res).catch((error: unknown) => {
        const detail = error instanceof HttpError ? error : new ScimHttpError(500, "Internal emulator error.");
        if (!res.headersSent) send(res, detail.status, scimErrorBody(detail));
      });
    } else send(res, 404, new ScimHttpError(404, "Not found.").body());
  });

  function reset(): void {
    store.clear();
    faults.set(baseline);
    faults.reseed();
    stats.clear();
    setTokens(startTokens);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  scimUrl = `http://${host}:${port}${basePath}`;

  return {
    scimUrl,
    token: options.token,
    nextToken: options.nextToken ?? null,
    stats: () => stats.snapshot(),
    reset,
    users: () => store.all(),
    addUsers: (users) => users.map((u) => store.create(u)),
    setFaults: (f) => faults.set(faultsSchema.parse(f)),
    addConflicts: (userNames) => store.addConflicts(userNames),
    setTokens,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}
