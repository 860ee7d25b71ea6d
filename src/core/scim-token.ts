import { z } from "zod";

/**
 * The ABM SCIM token's lifecycle, as pure facts. Apple issues a token for a year and allows two at
 * once: the admin creates the second one (Preferences → Directory Sync) before the first expires,
 * the client moves to it, and the first is revoked. `ABM_SCIM_TOKEN` is the current token and
 * `ABM_SCIM_TOKEN_NEXT` the second; the SCIM client switches to the next one when the current one
 * is refused (HTTP 401).
 */

/** where an expiry came from: the `…_EXPIRES` variable, or the token itself (a JWT's `exp`) */
export type TokenExpirySource = "configured" | "jwt";

export interface ScimTokenExpiry {
  readonly at: Date;
  readonly source: TokenExpirySource;
}

export interface ScimTokenState {
  /** the token the SCIM client sends now */
  readonly active: "current" | "next";
  readonly current: { readonly expiry: ScimTokenExpiry | null };
  /** null: no next token is configured */
  readonly next: { readonly expiry: ScimTokenExpiry | null } | null;
  /** when this process switched to the next token (null: it has not) */
  readonly switchedAt: Date | null;
}

/** Apple asks for the second token this many days before the first expires. */
export const TOKEN_OVERLAP_DAYS = 60;

const DAY_MS = 86_400_000;

const jwtClaims = z.object({ exp: z.number().int().positive() }).passthrough();

function base64UrlDecode(part: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return null;
  const base64 = part.replace(/-/g, "+").replace(/_/g, "/");
  try {
    const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
    return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

/** The `exp` claim of a JWT (not verified: only read to warn in time); null when the token is not one. */
export function jwtExpiry(token: string): Date | null {
  const parts = token.trim().split(".");
  if (parts.length !== 3 || parts[1] === undefined) return null;
  const json = base64UrlDecode(parts[1]);
  if (json === null) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return null;
  }
  const claims = jwtClaims.safeParse(raw);
  return claims.success ? new Date(claims.data.exp * 1000) : null;
}

/** The configured expiry when set (the admin's word), else the token's own `exp` when it is a JWT. */
export function tokenExpiry(token: string | null, configured: Date | null): ScimTokenExpiry | null {
  if (configured !== null) return { at: configured, source: "configured" };
  const fromJwt = token === null ? null : jwtExpiry(token);
  return fromJwt === null ? null : { at: fromJwt, source: "jwt" };
}

/** The expiry of the token in use. */
export function activeExpiry(state: ScimTokenState): ScimTokenExpiry | null {
  return state.active === "next" ? (state.next?.expiry ?? null) : state.current.expiry;
}

/** Whole days until `at`, rounded up (the token alerts' count); 0 or less: expired. */
export function daysUntil(at: Date, now: Date): number {
  return Math.ceil((at.getTime() - now.getTime()) / DAY_MS);
}
