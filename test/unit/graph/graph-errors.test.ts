import { GraphError } from "@microsoft/microsoft-graph-client";
import { describe, expect, it } from "vitest";
import { DELTA_EXPIRED, toGraphAppError } from "#adapters/graph/graph-errors.js";

const scope = { tenantId: "tenant-1", clientId: "client-1", clientSecret: "s3cr3t" };
const purpose = { what: "read user changes", permission: "User.Read.All" };
const NOW = Date.parse("2026-01-01T00:00:00Z");

function graphError(status: number, code: string, message: string, headers: Record<string, string> = {}): GraphError {
  const error = new GraphError(status, message);
  error.code = code;
  error.headers = new Headers(headers);
  return error;
}

describe("toGraphAppError", () => {
  it("maps 429 to graph.throttled with the Retry-After wait", () => {
    const error = toGraphAppError(
      graphError(429, "TooManyRequests", "slow down", { "retry-after": "7" }),
      purpose,
      scope,
      NOW,
    );
    expect(error).toMatchObject({ code: "graph.throttled", retryable: true, retryAfterMs: 7_000 });
  });

  it("measures an HTTP-date Retry-After against the clock's time, not the machine's", () => {
    const error = toGraphAppError(
      graphError(429, "TooManyRequests", "slow down", { "retry-after": "Thu, 01 Jan 2026 00:00:30 GMT" }),
      purpose,
      scope,
      NOW,
    );
    expect(error.retryAfterMs).toBe(30_000);
  });

  it("maps 503 and 504 to retryable graph.transient", () => {
    for (const status of [503, 504]) {
      expect(toGraphAppError(graphError(status, "x", "down"), purpose, scope, NOW)).toMatchObject({
        code: "graph.transient",
        retryable: true,
      });
    }
  });

  it("names the missing permission on 403, from Graph's message when it says", () => {
    const said = toGraphAppError(
      graphError(403, "Authorization_RequestDenied", "Missing role GroupMember.Read.All for this call."),
      purpose,
      scope,
      NOW,
    );
    expect(said).toMatchObject({
      code: "graph.forbidden",
      retryable: false,
      context: { permission: "GroupMember.Read.All" },
    });
    const silent = toGraphAppError(
      graphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."),
      purpose,
      scope,
      NOW,
    );
    expect(silent.message).toContain("User.Read.All");
    expect(silent.message).toContain("client-1");
  });

  it("recognises an expired delta link as 400/410 syncStateNotFound or resyncRequired, or any 410", () => {
    expect(toGraphAppError(graphError(400, "syncStateNotFound", "expired"), purpose, scope, NOW).code).toBe(
      DELTA_EXPIRED,
    );
    expect(toGraphAppError(graphError(410, "resyncRequired", "resync"), purpose, scope, NOW).code).toBe(DELTA_EXPIRED);
    expect(toGraphAppError(graphError(410, "Gone", "gone"), purpose, scope, NOW).code).toBe(DELTA_EXPIRED);
    expect(toGraphAppError(graphError(400, "BadRequest", "bad"), purpose, scope, NOW).code).toBe("graph.protocol");
  });

  it("maps 401 and 404", () => {
    expect(toGraphAppError(graphError(401, "InvalidAuthenticationToken", "expired"), purpose, scope, NOW).code).toBe(
      "graph.auth",
    );
    expect(toGraphAppError(graphError(404, "Request_ResourceNotFound", "gone"), purpose, scope, NOW).code).toBe(
      "graph.not_found",
    );
  });

  it("explains a credential failure without ever echoing the secret", () => {
    const thrown = new GraphError(-1);
    thrown.code = "AuthenticationError";
    thrown.body = "AuthenticationError: AADSTS7000215: Invalid client secret provided (s3cr3t). Trace ID: abc";
    const error = toGraphAppError(thrown, purpose, scope, NOW);
    expect(error.code).toBe("graph.auth");
    expect(error.message).toContain("tenant-1");
    expect(error.message).toContain("client-1");
    expect(error.context.aadCode).toBe("AADSTS7000215");
    expect(JSON.stringify(error.toJSON())).not.toContain("s3cr3t");

    const unknown = new GraphError(-1);
    unknown.code = "AuthenticationError";
    unknown.body = "AuthenticationError: something odd with s3cr3t inside. Trace ID: abc";
    expect(toGraphAppError(unknown, purpose, scope, NOW).message).not.toContain("s3cr3t");
  });
});
