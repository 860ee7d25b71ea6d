import type { KeyObject } from "node:crypto";
import type { Clock } from "#core/clock.js";
import { AppError, type ErrorCode } from "#core/errors.js";
import { err, ok, type Result } from "#core/result.js";
import { createClientAssertion } from "./client-assertion.js";
import { oauthError, tokenAnswer } from "./wire.js";

/** A token is replaced this long before Apple says it expires (tokens last an hour). */
const REFRESH_EARLY_MS = 5 * 60_000;

export interface TokenSourceOptions {
  readonly clientId: string;
  readonly keyId: string;
  readonly key: KeyObject;
  /** Apple's token endpoint; also the assertion's `aud` */
  readonly tokenUrl: string;
  /** `business.api` (ABM) or `school.api` (ASM) */
  readonly scope: string;
  readonly clock: Clock;
  readonly fetch: typeof fetch;
}

export interface TokenSource {
  /** a cached access token, or a new one when none is left or it expires within five minutes */
  token(signal?: AbortSignal): Promise<Result<string, AppError>>;
  /** forget the cached token (the API answered 401 with it) */
  invalidate(): void;
}

/** OAuth 2 client credentials with an ES256 client assertion, as Apple's token endpoint takes it. */
export function createTokenSource(options: TokenSourceOptions): TokenSource {
  let cached: { readonly value: string; readonly refreshAt: number } | null = null;
  let pending: Promise<Result<string, AppError>> | null = null;

  async function fetchToken(signal?: AbortSignal): Promise<Result<string, AppError>> {
    const now = options.clock.now();
    const assertion = createClientAssertion({
      clientId: options.clientId,
      keyId: options.keyId,
      key: options.key,
      audience: options.tokenUrl,
      now,
    });
    const body = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: options.clientId,
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      client_assertion: assertion,
      scope: options.scope,
    });
    let response: Response;
    try {
      response = await options.fetch(options.tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: body.toString(),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      return err(
        new AppError("apple.transient", `Apple's token endpoint ${options.tokenUrl} did not answer.`, { cause: error }),
      );
    }
    const text = await response.text();
    if (response.ok) {
      const parsed = tokenAnswer.safeParse(safeJson(text));
      if (!parsed.success)
        return err(new AppError("apple.protocol", "Apple's token endpoint answered without an access token."));
      cached = {
        value: parsed.data.access_token,
        refreshAt: now.getTime() + Math.max(0, parsed.data.expires_in * 1000 - REFRESH_EARLY_MS),
      };
      return ok(parsed.data.access_token);
    }
    if (response.status === 429 || response.status >= 500)
      return err(new AppError("apple.transient", `Apple's token endpoint answered ${response.status}.`));
    const refusal = oauthError.safeParse(safeJson(text));
    return err(credentialError(options, refusal.success ? refusal.data : null, response.status));
  }

  return {
    async token(signal) {
      if (cached !== null && options.clock.now().getTime() < cached.refreshAt) return ok(cached.value);
      // one token request at a time: callers that arrive meanwhile share its answer
      pending ??= fetchToken(signal).finally(() => {
        pending = null;
      });
      return pending;
    },
    invalidate() {
      cached = null;
    },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

interface OAuthRefusal {
  readonly error: string;
  readonly error_description?: string | undefined;
}

/**
 * Which credential the token endpoint refused. Apple's own endpoint answers `invalid_client` and
 * rarely more; when its description names the part (the emulator always does) the error says which
 * one, otherwise it lists the three that can be wrong.
 */
function credentialError(options: TokenSourceOptions, refusal: OAuthRefusal | null, status: number): AppError {
  const description = refusal?.error_description ?? "";
  const said = refusal === null ? `HTTP ${status}` : `${refusal.error}${description === "" ? "" : `: ${description}`}`;
  const context = { clientId: options.clientId, keyId: options.keyId, status };
  const make = (code: ErrorCode, message: string): AppError =>
    new AppError(code, `${message} (Apple said ${said}).`, { context });
  if (refusal?.error === "invalid_scope")
    return make("apple.forbidden", `The API account ${options.clientId} may not use the ${options.scope} scope`);
  if (/client.?id|unknown client/i.test(description))
    return make("apple.unknown_client", `Apple does not know the client id APPLE_API_CLIENT_ID=${options.clientId}`);
  if (/\bkid\b|key.?id/i.test(description))
    return make(
      "apple.key_mismatch",
      `Apple does not know the key id APPLE_API_KEY_ID=${options.keyId} for ${options.clientId}`,
    );
  if (/revoked|key.*expired|expired.*key/i.test(description))
    return make("apple.key_expired", `The API key ${options.keyId} of ${options.clientId} is revoked or expired`);
  if (/signature/i.test(description))
    return make(
      "apple.bad_signature",
      `The private key in APPLE_API_PRIVATE_KEY does not match the key id ${options.keyId}`,
    );
  if (/expired|iat|exp\b|clock/i.test(description))
    return make("apple.auth", "Apple refused the client assertion's times: check this machine's clock");
  return make(
    "apple.auth",
    `Apple refused the API account: the client id ${options.clientId}, the key id ${options.keyId} or the private key is wrong, or the key was revoked`,
  );
}
