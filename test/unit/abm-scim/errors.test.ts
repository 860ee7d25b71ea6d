import { describe, expect, it } from "vitest";
import { errorFromResponse, parseRetryAfter } from "#adapters/abm-scim/errors.js";

const info = { operation: "create", method: "POST" };
const now = new Date("2025-01-01T00:00:00Z");
const scimError = (status: number, scimType?: string) =>
  JSON.stringify({
    schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
    status: String(status),
    scimType,
    detail: "said the server",
  });

const HELP = "The ABM SCIM token has expired or was revoked: Directory Sync.";

describe("SCIM error translation", () => {
  it.each([
    [409, "scim.conflict", false],
    [400, "scim.invalid", false],
    [401, "scim.auth", false],
    [403, "scim.auth", false],
    [404, "scim.not_found", false],
    [429, "scim.rate_limited", true],
    [500, "scim.transient", true],
    [503, "scim.transient", true],
    [501, "scim.protocol", false],
    [415, "scim.protocol", false],
  ])("HTTP %i → %s (retryable %s)", (status, code, retryable) => {
    const error = errorFromResponse(info, status, scimError(status, "uniqueness"), undefined, now, HELP);
    expect([error.code, error.retryable]).toEqual([code, retryable]);
    expect(error.context).toMatchObject({ operation: "create", status, detail: "said the server" });
  });

  it("quotes ABM's detail without a second full stop", () => {
    const body = JSON.stringify({ status: "409", scimType: "uniqueness", detail: "userName is already used. " });
    expect(errorFromResponse(info, 409, body, undefined, now, HELP).message).toContain(
      "(HTTP 409 uniqueness): userName is already used. A 409 uniqueness error",
    );
  });

  it("explains a 409 uniqueness and a 401 in terms an admin can act on", () => {
    expect(errorFromResponse(info, 409, scimError(409, "uniqueness"), undefined, now, HELP).message).toMatch(
      /personal Apple Account/,
    );
    expect(errorFromResponse(info, 401, "", undefined, now, HELP).message).toMatch(
      /expired or was revoked.*Directory Sync/,
    );
  });

  it("survives bodies that are not SCIM errors", () => {
    expect(errorFromResponse(info, 502, "<html>bad gateway</html>", undefined, now, HELP).code).toBe("scim.transient");
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(parseRetryAfter("1", now)).toBe(1000);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(errorFromResponse(info, 429, "", "2", now, HELP).retryAfterMs).toBe(2000);
  });
});
