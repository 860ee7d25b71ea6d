import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { HttpError, parseWith, readBody, readJson, sendEmpty, sendJson } from "../http-json.js";
import { type ApiAccount, checkAssertion } from "./assertion-check.js";
import { scimUserResource } from "./scim-users.js";
import { type AppleStore, auditEventInput, createAppleStore, groupInput, type Resource, userInput } from "./store.js";

export interface AppleBusinessEmulatorOptions {
  readonly host?: string;
  readonly port?: number;
  /** where the generated private key is written (0600); default: a new temporary directory, removed on close */
  readonly dataDir?: string;
  /** GETs per minute before 429 + Retry-After (token bucket; default: no limit) */
  readonly rateLimitPerMinute?: number;
  /** lifetime of an access token (Apple: 3600 s) */
  readonly tokenLifetimeSeconds?: number;
  /** the SCIM feed's users (the ABM SCIM emulator's store): listed as users too, as ABM does */
  readonly scimUsers?: () => readonly Readonly<Record<string, unknown>>[];
}

export interface AppleBusinessEmulator {
  /** `APPLE_API_URL`: `http://127.0.0.1:<port>/v1` */
  readonly apiUrl: string;
  /** `APPLE_API_TOKEN_URL`: `http://127.0.0.1:<port>/auth/oauth2/v2/token` */
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly keyId: string;
  /** the generated EC P-256 private key (PEM, 0600) */
  readonly privateKeyPath: string;
  readonly store: AppleStore;
  stats(): AppleEmulatorStats;
  close(): Promise<void>;
}

export interface AppleEmulatorStats {
  /** API requests answered (tokens not counted) */
  readonly requests: number;
  readonly tokensIssued: number;
  readonly tokensRefused: number;
  readonly rateLimited: number;
}

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

const faultsBody = z
  .object({
    rateLimitPerMinute: z.number().int().positive().nullable().optional(),
    /** the next N API requests answer 429 with `Retry-After: retryAfterSeconds` */
    status429Count: z.number().int().min(0).optional(),
    retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
  })
  .strict();

/**
 * The Apple Business API on loopback: the OAuth token endpoint (ES256 client assertions verified
 * against the generated key pair's public key), users, user groups with their members, audit events
 * (`filter[startTimestamp]` required), cursor paging, an optional rate limit with 429 + Retry-After,
 * and a control API under `/_emulator/` (docs/contracts.md §5).
 */
export async function startAppleBusinessEmulator(
  options: AppleBusinessEmulatorOptions = {},
): Promise<AppleBusinessEmulator> {
  const host = options.host ?? "127.0.0.1";
  const ownDir = options.dataDir === undefined;
  const dir = options.dataDir ?? mkdtempSync(join(tmpdir(), "apple-business-emulator-"));
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const privateKeyPath = join(dir, "apple-api-private-key.pem");
  writeFileSync(privateKeyPath, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
  const account: ApiAccount = {
    clientId: `BUSINESSAPI.${randomUUID()}`,
    keyId: randomUUID(),
    publicKey,
    revoked: false,
  };
  const lifetime = options.tokenLifetimeSeconds ?? 3600;
  const store = createAppleStore();
  const tokens = new Map<string, number>();
  let rateLimit: number | null = options.rateLimitPerMinute ?? null;
  let bucket = rateLimit ?? 0;
  let refilledAt = Date.now();
  let forced429 = 0;
  let retryAfterSeconds = 1;
  const counters = { requests: 0, tokensIssued: 0, tokensRefused: 0, rateLimited: 0 };
  let tokenUrl = "";

  function takeToken(): number | null {
    if (forced429 > 0) {
      forced429 -= 1;
      return retryAfterSeconds;
    }
    if (rateLimit === null) return null;
    const now = Date.now();
    bucket = Math.min(rateLimit, bucket + ((now - refilledAt) / 60_000) * rateLimit);
    refilledAt = now;
    if (bucket >= 1) {
      bucket -= 1;
      return null;
    }
    return Math.max(1, Math.ceil(((1 - bucket) * 60) / rateLimit));
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req));
    const refuse = (status: number, error: string, description: string): void => {
      counters.tokensRefused += 1;
      sendJson(res, status, { error, error_description: description });
    };
    if (form.get("grant_type") !== "client_credentials")
      return refuse(400, "unsupported_grant_type", "grant_type must be client_credentials");
    if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
      return refuse(
        400,
        "invalid_request",
        "client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      );
    const scope = form.get("scope");
    if (scope !== "business.api") return refuse(400, "invalid_scope", "scope must be business.api");
    const problem = checkAssertion(form.get("client_assertion") ?? "", account, {
      clientId: form.get("client_id"),
      tokenUrl,
      nowSeconds: Math.floor(Date.now() / 1000),
    });
    if (problem !== null) return refuse(401, "invalid_client", problem);
    const value = randomBytes(24).toString("base64url");
    tokens.set(value, Date.now() + lifetime * 1000);
    counters.tokensIssued += 1;
    sendJson(res, 200, { access_token: value, token_type: "Bearer", expires_in: lifetime, scope });
  }

  function allUsers(): Resource[] {
    const fromScim = (options.scimUsers?.() ?? []).map(scimUserResource).filter((r): r is Resource => r !== null);
    const own = store.users();
    const ownIds = new Set(own.map((user) => user.id));
    return [...own, ...fromScim.filter((user) => !ownIds.has(user.id))];
  }

  function page(
    url: URL,
    all: readonly Resource[],
  ): { data: Resource[]; links: { self: string }; meta: { paging: { limit: number; nextCursor?: string } } } {
    const rawLimit = url.searchParams.get("limit");
    const limit = rawLimit === null ? DEFAULT_PAGE : Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
      throw new HttpError(400, `limit must be 1 to ${MAX_PAGE}`);
    const cursor = url.searchParams.get("cursor");
    let offset = 0;
    if (cursor !== null) {
      const decoded = /^o:(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"));
      if (decoded?.[1] === undefined) throw new HttpError(400, "cursor is not valid");
      offset = Number(decoded[1]);
    }
    const data = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? Buffer.from(`o:${offset + limit}`).toString("base64url") : undefined;
    return {
      data,
      links: { self: url.href },
      meta: { paging: { limit, ...(next === undefined ? {} : { nextCursor: next }) } },
    };
  }

  function timestamp(url: URL, name: string, required: boolean): number | null {
    const raw = url.searchParams.get(name);
    if (raw === null) {
      if (required) throw new HttpError(400, `${name} is required`);
      return null;
    }
    const at = Date.parse(raw);
    if (Number.isNaN(at)) throw new HttpError(400, `${name} must be an ISO 8601 timestamp`);
    return at;
  }

  function api(req: IncomingMessage, url: URL): unknown {
    const auth = req.headers.authorization ?? "";
    const expires = tokens.get(auth.replace(/^Bearer /, ""));
    if (!auth.startsWith("Bearer ") || expires === undefined || expires <= Date.now())
      throw new HttpError(401, "The access token is missing, unknown or expired.");
    const wait = takeToken();
    if (wait !== null) {
      counters.rateLimited += 1;
      throw new HttpError(429, "Rate limit exceeded.", { "retry-after": String(wait) });
    }
    counters.requests += 1;
    if (req.method !== "GET") throw new HttpError(405, "The Apple Business API is read-only here.");
    const path = url.pathname
      .replace(/^\/v1/, "")
      .split("/")
      .filter((s) => s !== "")
      .map(decodeURIComponent);
    const [collection, id, relationships, related] = path;
    if (collection === "users" && id === undefined) return page(url, allUsers());
    if (collection === "users" && id !== undefined && relationships === undefined) {
      const user = allUsers().find((one) => one.id === id) ?? null;
      if (user === null) throw new HttpError(404, "No such user.");
      return { data: user, links: { self: url.href } };
    }
    if (collection === "userGroups" && id === undefined) return page(url, store.groups());
    if (collection === "userGroups" && id !== undefined && relationships === undefined) {
      const group = store.group(id);
      if (group === null) throw new HttpError(404, "No such user group.");
      return { data: group, links: { self: url.href } };
    }
    if (collection === "userGroups" && id !== undefined && relationships === "relationships" && related === "users") {
      const members = store.groupUsers(id);
      if (members === null) throw new HttpError(404, "No such user group.");
      return page(url, members);
    }
    if (collection === "auditEvents" && id === undefined) {
      const events = store.events({
        start: timestamp(url, "filter[startTimestamp]", true) ?? 0,
        end: timestamp(url, "filter[endTimestamp]", false),
        actorId: url.searchParams.get("filter[actorId]"),
        subjectId: url.searchParams.get("filter[subjectId]"),
        type: url.searchParams.get("filter[type]"),
      });
      return page(url, events);
    }
    throw new HttpError(404, `No resource at ${url.pathname}.`);
  }

  async function control(req: IncomingMessage, url: URL): Promise<{ status: number; body: unknown }> {
    const route = `${req.method ?? "GET"} ${url.pathname.replace(/^\/_emulator/, "")}`;
    const now = new Date();
    switch (route) {
      case "POST /users":
        return { status: 201, body: { data: store.addUser(parseWith(userInput, await readJson(req)), now) } };
      case "POST /userGroups":
        return { status: 201, body: { data: store.addGroup(parseWith(groupInput, await readJson(req))) } };
      case "POST /auditEvents":
        return { status: 201, body: { data: store.addEvent(parseWith(auditEventInput, await readJson(req))) } };
      case "POST /faults": {
        const faults = parseWith(faultsBody, await readJson(req));
        if (faults.rateLimitPerMinute !== undefined) {
          rateLimit = faults.rateLimitPerMinute;
          bucket = rateLimit ?? 0;
          refilledAt = Date.now();
        }
        if (faults.status429Count !== undefined) forced429 = faults.status429Count;
        if (faults.retryAfterSeconds !== undefined) retryAfterSeconds = faults.retryAfterSeconds;
        return { status: 204, body: undefined };
      }
      case "POST /revoke-key":
        account.revoked = true;
        tokens.clear();
        return { status: 204, body: undefined };
      case "POST /reset":
        store.reset();
        tokens.clear();
        account.revoked = false;
        forced429 = 0;
        Object.assign(counters, { requests: 0, tokensIssued: 0, tokensRefused: 0, rateLimited: 0 });
        return { status: 204, body: undefined };
      case "GET /stats":
        return { status: 200, body: { ...counters } };
      default:
        throw new HttpError(404, `No control route ${route}.`);
    }
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? host}`);
    const handle = async (): Promise<void> => {
      if (url.pathname === "/auth/oauth2/v2/token" && req.method === "POST") return token(req, res);
      if (url.pathname.startsWith("/_emulator/")) {
        const { status, body } = await control(req, url);
        if (body === undefined) sendEmpty(res, status);
        else sendJson(res, status, body);
        return;
      }
      if (url.pathname.startsWith("/v1/")) return sendJson(res, 200, api(req, url));
      throw new HttpError(404, `No route ${url.pathname}.`);
    };
    handle().catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const headers = error instanceof HttpError ? error.headers : {};
      const detail = error instanceof Error ? error.message : String(error);
      if (!res.headersSent)
        sendJson(
          res,
          status,
          { errors: [{ status: String(status), code: errorCode(status), title: detail, detail }] },
          headers,
        );
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host}:${port}`;
  tokenUrl = `${origin}/auth/oauth2/v2/token`;
  return {
    apiUrl: `${origin}/v1`,
    tokenUrl,
    clientId: account.clientId,
    keyId: account.keyId,
    privateKeyPath,
    store,
    stats: () => ({ ...counters }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

function errorCode(status: number): string {
  switch (status) {
    case 400:
      return "PARAMETER_ERROR.INVALID";
    case 401:
      return "NOT_AUTHORIZED";
    case 404:
      return "NOT_FOUND";
    case 429:
      return "RATE_LIMIT_EXCEEDED";
    default:
      return "UNEXPECTED_ERROR";
  }
}
