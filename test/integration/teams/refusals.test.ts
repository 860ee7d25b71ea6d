import { generateKeyPairSync, type KeyObject, sign as rsaSign } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createTeamsBot } from "#adapters/teams/bot.js";
import type { LogFields, Logger } from "#core/logger.js";
import { openRaw, postHead } from "#test/support/raw-http.js";
import { channelMessage, operator } from "./support/activities.js";
import { createFakeChatCore, type FakeChatCore } from "./support/fake-chat-core.js";

/**
 * Issue 13 items 9 and 11, with an app id configured so botbuilder's real JWT check runs: a
 * request without a bearer token or with a body over 256 KiB is refused before it is read; a
 * refused token answers a fixed body (401, or 503 when the signing keys cannot be fetched),
 * never the SDK's error text; and the SDK's console output for refusals goes to the service
 * logger, rate-limited, instead of stack traces on stderr.
 */
// installed before any bot exists: the SDK's own console calls must never reach it
const consoleError = vi.spyOn(console, "error").mockImplementation(() => undefined);

const APP_ID = "00000000-0000-4000-8000-000000000001";
const TENANT_ID = "11111111-1111-4111-8111-111111111111";

interface LogLine {
  readonly level: string;
  readonly fields: LogFields;
  readonly message: string;
}

function capturingLogger(lines: LogLine[], bound: LogFields = {}): Logger {
  const at =
    (level: string) =>
    (fields: LogFields, message: string): void => {
      lines.push({ level, fields: { ...bound, ...fields }, message });
    };
  return {
    debug: at("debug"),
    info: at("info"),
    warn: at("warn"),
    error: at("error"),
    child: (fields) => capturingLogger(lines, { ...bound, ...fields }),
  };
}

const b64url = (value: Buffer | string) => Buffer.from(value).toString("base64url");

function jwt(key: KeyObject, claims: Record<string, unknown>): string {
  const head = b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: "k1" }));
  const body = b64url(JSON.stringify(claims));
  const signature = rsaSign("sha256", Buffer.from(`${head}.${body}`), key);
  return `${head}.${body}.${b64url(signature)}`;
}

const trusted = generateKeyPairSync("rsa", { modulusLength: 2048 });
const stranger = generateKeyPairSync("rsa", { modulusLength: 2048 });

/** A local stand-in for login.botframework.com's OpenID metadata and key list. */
async function startMetadata(mode: { failing: boolean }): Promise<{ url: string; server: Server }> {
  const jwk = trusted.publicKey.export({ format: "jwk" });
  let base = "";
  const server = createServer((req, res) => {
    if (mode.failing) {
      res.writeHead(500);
      res.end("metadata.internal.example failure");
      return;
    }
    res.writeHead(200, { "content-type": "application/json" });
    if (req.url === "/openid") res.end(JSON.stringify({ jwks_uri: `${base}/keys` }));
    else res.end(JSON.stringify({ keys: [{ kty: "RSA", kid: "k1", n: jwk.n, e: jwk.e, endorsements: ["msteams"] }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `${base}/openid`, server };
}

async function hostBot(openIdMetadataUrl: string, lines: LogLine[]) {
  const core: FakeChatCore = createFakeChatCore();
  const bot = createTeamsBot({
    appId: APP_ID,
    appPassword: "not-a-real-secret",
    tenantId: TENANT_ID,
    appType: "SingleTenant",
    chat: core,
    conversations: core.conversations,
    logger: capturingLogger(lines),
    openIdMetadataUrl,
  });
  const server = createServer((req, res) => void bot.handleHttp(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    core,
    port,
    url: `http://127.0.0.1:${port}/api/messages`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function post(url: string, token: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(channelMessage("https://smba.trafficmanager.net/emea/", operator, "pause")),
  });
  return { status: response.status, text: await response.text() };
}

const now = () => Math.floor(Date.now() / 1000);
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: "https://api.botframework.com",
  aud: APP_ID,
  nbf: now() - 60,
  exp: now() + 600,
  serviceurl: "https://smba.trafficmanager.net/emea/",
  ...extra,
});

describe("Teams refusals with real Bot Framework authentication", () => {
  const lines: LogLine[] = [];
  const mode = { failing: false };
  let metadata: Awaited<ReturnType<typeof startMetadata>>;
  let bot: Awaited<ReturnType<typeof hostBot>>;

  beforeAll(async () => {
    metadata = await startMetadata(mode);
    bot = await hostBot(metadata.url, lines);
  });
  afterAll(async () => {
    await bot.close();
    metadata.server.closeAllConnections();
    await new Promise<void>((resolve) => metadata.server.close(() => resolve()));
    consoleError.mockRestore();
  });

  it("refuses a 1 MiB body without a bearer token with 401 before reading it", async () => {
    const raw = await openRaw(bot.port);
    raw.socket.write(
      postHead("/api/messages", { "Content-Type": "application/json", "Content-Length": String(1024 * 1024) }),
    );
    expect(await raw.status(1_500)).toBe(401);
    expect(raw.received()).toContain("Unauthorized.");
    expect(await raw.closed(1_500)).toBe(true);
  });

  it("refuses a body declared over 256 KiB with 413 before reading it", async () => {
    const raw = await openRaw(bot.port);
    raw.socket.write(
      postHead("/api/messages", {
        "Content-Type": "application/json",
        "Content-Length": String(300 * 1024),
        Authorization: `Bearer ${jwt(trusted.privateKey, claims())}`,
      }),
    );
    expect(await raw.status(1_500)).toBe(413);
    expect(await raw.closed(1_500)).toBe(true);
  });

  it("answers a token signed by an unknown key with a fixed 401, and logs instead of printing", async () => {
    const before = consoleError.mock.calls.length;
    const refused = await post(bot.url, jwt(stranger.privateKey, claims()));
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.text)).toEqual({ error: "Unauthorized." });
    const expired = await post(bot.url, jwt(trusted.privateKey, claims({ nbf: now() - 7_200, exp: now() - 3_600 })));
    expect(expired.status).toBe(401);
    expect(JSON.parse(expired.text)).toEqual({ error: "Unauthorized." });
    expect(consoleError.mock.calls.length).toBe(before);
    const sdk = lines.filter((l) => l.fields.code === "teams.sdk_log");
    expect(sdk.length).toBeGreaterThanOrEqual(2);
    for (const line of sdk) expect(line.message).not.toMatch(/\n\s+at /);
    expect(lines.filter((l) => l.fields.code === "teams.unauthorized").length).toBeGreaterThanOrEqual(2);
    expect(bot.core.commands).toHaveLength(0);
  });

  it("rate-limits the SDK's refusal logs", async () => {
    for (let i = 0; i < 15; i += 1) {
      expect((await post(bot.url, jwt(stranger.privateKey, claims({ jti: String(i) })))).status).toBe(401);
    }
    expect(lines.filter((l) => l.fields.code === "teams.sdk_log").length).toBeLessThanOrEqual(10);
    expect(consoleError).not.toHaveBeenCalled();
  });

  it("answers 503 with a fixed body when the signing keys cannot be fetched, naming no host", async () => {
    const failingLines: LogLine[] = [];
    const down = { failing: true };
    const failing = await startMetadata(down);
    const unreachable = await startMetadata({ failing: false });
    const deadUrl = unreachable.url;
    unreachable.server.closeAllConnections();
    await new Promise<void>((resolve) => unreachable.server.close(() => resolve()));
    const broken = await hostBot(failing.url, failingLines);
    const offline = await hostBot(deadUrl, failingLines);
    try {
      for (const target of [broken, offline]) {
        const answer = await post(target.url, jwt(trusted.privateKey, claims()));
        expect(answer.status).toBe(503);
        expect(JSON.parse(answer.text)).toEqual({
          error: "The Bot Framework signing keys could not be fetched; try again later.",
        });
        expect(answer.text).not.toMatch(/127\.0\.0\.1|openid|ECONNREFUSED|metadata/i);
        expect(target.core.commands).toHaveLength(0);
      }
      expect(failingLines.filter((l) => l.fields.code === "teams.auth_unavailable")).toHaveLength(2);
      expect(consoleError).not.toHaveBeenCalled();
    } finally {
      await broken.close();
      await offline.close();
      failing.server.closeAllConnections();
      await new Promise<void>((resolve) => failing.server.close(() => resolve()));
    }
  });
});
