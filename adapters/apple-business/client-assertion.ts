import { type KeyObject, randomUUID, sign } from "node:crypto";

/** How long one client assertion is valid; a fresh one is signed for every token request. */
const ASSERTION_TTL_SECONDS = 10 * 60;

export interface AssertionInput {
  /** `BUSINESSAPI.…`: both `iss` and `sub` */
  readonly clientId: string;
  /** the key id shown in ABM: the header's `kid` */
  readonly keyId: string;
  readonly key: KeyObject;
  /** the token endpoint the assertion is meant for (`aud`) */
  readonly audience: string;
  readonly now: Date;
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString("base64url");
}

/**
 * The ES256 client assertion of RFC 7523 that Apple's token endpoint takes. Signed with
 * node:crypto (no JOSE library is installed in this project): `dsaEncoding: "ieee-p1363"` gives
 * the raw r‖s signature JWS requires instead of DER.
 */
export function createClientAssertion(input: AssertionInput): string {
  const iat = Math.floor(input.now.getTime() / 1000);
  const header = { alg: "ES256", kid: input.keyId, typ: "JWT" };
  const claims = {
    iss: input.clientId,
    sub: input.clientId,
    aud: input.audience,
    iat,
    exp: iat + ASSERTION_TTL_SECONDS,
    jti: randomUUID(),
  };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign("sha256", Buffer.from(signingInput), { key: input.key, dsaEncoding: "ieee-p1363" });
  return `${signingInput}.${base64url(signature)}`;
}
