/**
 * How the SCIM client authenticates. ABM issues a long-lived bearer token (Preferences → Directory
 * Sync); an OAuth provider can implement the same interface later. The value never reaches a log or error.
 */
export interface ScimAuthProvider {
  /** the full `Authorization` header value, e.g. `Bearer eyJ…` */
  authorization(): Promise<string>;
}

export function createBearerAuth(token: string): ScimAuthProvider {
  if (token.trim() === "") throw new Error("createBearerAuth: the SCIM token is empty");
  const header = `Bearer ${token.trim()}`;
  return {
    authorization: () => Promise.resolve(header),
    // keeps the token out of console.log / util.inspect / JSON.stringify of the provider
    toJSON: () => ({ type: "bearer" }),
    [Symbol.for("nodejs.util.inspect.custom")]: () => "BearerAuth { token: [redacted] }",
  } as ScimAuthProvider;
}
