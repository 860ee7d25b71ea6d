/**
 * How the SCIM client authenticates. ABM issues a long-lived bearer token (Preferences → Directory
 * Sync) and allows a second one during the overlap before the first expires. The values never
 * reach a log or error.
 */
export interface ScimAuthProvider {
  /** the full `Authorization` header value, e.g. `Bearer eyJ…` */
  authorization(): Promise<string>;
  /**
   * ABM answered 401 to a request sent with `authorization`. Returns true when another credential
   * is now in use (the request is worth sending once more), false when there is none left.
   */
  refused(authorization: string): boolean;
  /** what to tell the admin once every credential was refused */
  refusedHelp(): string;
}

/** The two-token overlap: which token is in use, and since when (null: never switched). */
export interface TokenPairState {
  readonly active: "current" | "next";
  readonly switchedAt: Date | null;
}

export interface TokenPairAuth extends ScimAuthProvider {
  state(): TokenPairState;
}

export interface TokenPairOptions {
  /** ABM_SCIM_TOKEN */
  readonly current: string;
  /** ABM_SCIM_TOKEN_NEXT (null: none) */
  readonly next: string | null;
  readonly now: () => Date;
  /** called once, when the client moves to the next token */
  readonly onSwitch?: (at: Date) => void;
}

const SINGLE_HELP =
  "The ABM SCIM token has expired or was revoked. Create a new one in Apple Business Manager → Preferences → Directory Sync (SCIM), then set ABM_SCIM_TOKEN to it.";
const BOTH_HELP =
  "ABM refused both SCIM tokens (ABM_SCIM_TOKEN and ABM_SCIM_TOKEN_NEXT): both have expired or were revoked. Create a new one in Apple Business Manager → Preferences → Directory Sync (SCIM), set ABM_SCIM_TOKEN to it and unset ABM_SCIM_TOKEN_NEXT.";

function header(token: string, what: string): string {
  if (token.trim() === "") throw new Error(`createTokenPairAuth: the ${what} is empty`);
  return `Bearer ${token.trim()}`;
}

/**
 * The current token until ABM refuses it, then the next one for the rest of the process. Requests
 * in flight when the switch happens are refused with the old header too: each is sent again with
 * the next token, and the switch is announced once.
 */
export function createTokenPairAuth(options: TokenPairOptions): TokenPairAuth {
  const current = header(options.current, "SCIM token");
  const next = options.next === null ? null : header(options.next, "next SCIM token");
  let active: "current" | "next" = "current";
  let switchedAt: Date | null = null;
  const inUse = (): string => (active === "next" && next !== null ? next : current);
  return {
    authorization: () => Promise.resolve(inUse()),
    refused(authorization) {
      if (authorization !== inUse()) return true; // refused with a header already replaced: send again
      if (active === "current" && next !== null) {
        active = "next";
        switchedAt = options.now();
        options.onSwitch?.(switchedAt);
        return true;
      }
      return false;
    },
    refusedHelp: () => (next === null ? SINGLE_HELP : BOTH_HELP),
    state: () => ({ active, switchedAt }),
    // keeps the tokens out of console.log / util.inspect / JSON.stringify of the provider
    toJSON: () => ({ type: "bearer", active }),
    [Symbol.for("nodejs.util.inspect.custom")]: () => `TokenPairAuth { active: ${active}, tokens: [redacted] }`,
  } as TokenPairAuth;
}

/** One token, no overlap. */
export function createBearerAuth(token: string): ScimAuthProvider {
  return createTokenPairAuth({ current: token, next: null, now: () => new Date() });
}
