import { Agent } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFetchHandler } from "#adapters/graph/fetch-handler.js";
import { createEmulatorCertificate } from "#emulators/graph/certificate.js";
import { type GraphEmulator, startGraphEmulator } from "#emulators/graph/start-graph-emulator.js";
import { readAll, sourceFor } from "./support/graph-fixture.js";

// the retry policy itself (429, 5xx, abort) is tested once, in requester.test.ts
describe("Graph directory source: dropped connections, authentication and TLS", () => {
  let emulator: GraphEmulator;

  beforeAll(async () => {
    emulator = await startGraphEmulator({ users: 300, seed: 11, pageSize: 100 });
  });
  afterAll(async () => {
    await emulator.close();
  });

  it("survives dropped connections", async () => {
    emulator.setFaults({ resetRate: 0.3 });
    const source = sourceFor(emulator);
    const read = await readAll(source, null);
    await source.close();
    emulator.setFaults({});
    expect(read.changes).toHaveLength(300);
  });

  it("names the tenant and client id, never the secret, when the secret is wrong", async () => {
    const secret = "definitely-wrong-secret-value";
    const started = Date.now();
    const source = sourceFor(emulator, { clientSecret: secret });
    const result = await source.lookupUser({ by: "id", value: "x" }, ["mail"]);
    await source.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("graph.auth");
    expect(result.error.retryable).toBe(false);
    expect(result.error.message).toContain(emulator.tenantId);
    expect(result.error.message).toContain(emulator.clientId);
    expect(result.error.message).toContain("client secret is wrong");
    expect(JSON.stringify(result.error.toJSON())).not.toContain(secret);
    expect(result.error.message).not.toContain(secret);
  });

  it("answers 401 in Graph's error format to a request without a token", async () => {
    const handler = createFetchHandler(new Agent({ connect: { ca: emulator.caPem } }));
    const context: { request: string; options: RequestInit; response?: Response } = {
      request: `${emulator.baseUrl}/v1.0/users/delta`,
      options: { method: "GET" },
    };
    await handler.execute(context);
    expect(context.response?.status).toBe(401);
    expect(await context.response?.json()).toMatchObject({ error: { code: "InvalidAuthenticationToken" } });
  });

  it("verifies the certificate: a different CA is refused, for Graph and for the token", async () => {
    const other = await createEmulatorCertificate();
    try {
      const handler = createFetchHandler(new Agent({ connect: { ca: other.certPem } }));
      await expect(handler.execute({ request: `${emulator.baseUrl}/v1.0/users/delta`, options: {} })).rejects.toThrow();
      const source = sourceFor(emulator, { trustedCaPem: other.certPem });
      const result = await source.lookupUser({ by: "id", value: "x" }, ["mail"]);
      await source.close();
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe("graph.auth");
        expect(result.error.message).toMatch(/TLS certificate is not trusted/);
      }
    } finally {
      await other.remove();
    }
  });
});
