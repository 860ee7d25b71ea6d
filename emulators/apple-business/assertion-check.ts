import { type KeyObject, verify } from "node:crypto";
import { z } from "zod";

/** What the token endpoint knows of the one API account it serves. */
export interface ApiAccount {
  readonly clientId: string;
  readonly keyId: string;
  readonly publicKey: KeyObject;
  /** `revoke-key` in the control API: the key no longer signs in */
  revoked: boolean;
}

/** Apple accepts assertions valid for up to 180 days. */
const MAX_LIFETIME_SECONDS = 180 * 86_400;
const CLOCK_SKEW_SECONDS = 60;

const header = z.object({ alg: z.string(), kid: z.string().optional(), typ: z.string().optional() });
const claims = z.object({
  iss: z.string(),
  sub: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  iat: z.number(),
  exp: z.number(),
  jti: z.string().optional(),
});

function decodePart(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    return null;
  }
}

/**
 * Checks an RFC 7523 client assertion as Apple's token endpoint does: ES256 over the configured
 * public key, `kid` the account's key id, `iss` = `sub` = the client id, `aud` the token endpoint,
 * `exp` in the future and at most 180 days after `iat`. Returns the OAuth refusal's description,
 * naming the part that is wrong (null: accepted).
 */
export function checkAssertion(
  assertion: string,
  account: ApiAccount,
  form: { readonly clientId: string | null; readonly tokenUrl: string; readonly nowSeconds: number },
): string | null {
  const parts = assertion.split(".");
  if (parts.length !== 3) return "client_assertion is not a JWS";
  const [encodedHeader = "", encodedClaims = "", encodedSignature = ""] = parts;
  const head = header.safeParse(decodePart(encodedHeader));
  const body = claims.safeParse(decodePart(encodedClaims));
  if (!head.success || !body.success) return "client_assertion is not a JWT with iss, sub, aud, iat and exp";
  if (head.data.alg !== "ES256") return `alg ${head.data.alg} is not ES256`;
  if (body.data.iss !== account.clientId || body.data.sub !== account.clientId || form.clientId !== account.clientId)
    return "unknown client id";
  if (head.data.kid !== account.keyId) return "unknown key id (kid) for this client";
  if (account.revoked) return "the key was revoked";
  const signature = Buffer.from(encodedSignature, "base64url");
  const valid = verify(
    "sha256",
    Buffer.from(`${encodedHeader}.${encodedClaims}`),
    { key: account.publicKey, dsaEncoding: "ieee-p1363" },
    signature,
  );
  if (!valid) return "the signature does not verify with the key's public key";
  const audiences = Array.isArray(body.data.aud) ? body.data.aud : [body.data.aud];
  if (!audiences.includes(form.tokenUrl)) return `aud must be ${form.tokenUrl}`;
  const { iat, exp } = body.data;
  if (exp <= form.nowSeconds) return "the assertion has expired (exp)";
  if (iat > form.nowSeconds + CLOCK_SKEW_SECONDS) return "the assertion is issued in the future (iat)";
  if (exp - iat > MAX_LIFETIME_SECONDS) return "the assertion is valid for more than 180 days (exp - iat)";
  return null;
}
