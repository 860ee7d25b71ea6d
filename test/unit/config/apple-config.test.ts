import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loadConfig } from "#config/load-config.js";
import { redactConfig } from "#config/redact-config.js";
import { err, ok } from "#core/result.js";
import { GUID_A, GUID_B, GUID_C, MINIMAL_ENV } from "#test/support/config/env-fixtures.js";

const CLIENT = "BUSINESSAPI.9703f56c-10ce-4876-8f59-e78e5e23a152";
const KEY_ID = "d136aa66-0c3b-4bd4-9892-c20e8db024ab";
const pem = (kind: "p256" | "p384" | "rsa"): string =>
  (kind === "rsa"
    ? generateKeyPairSync("rsa", { modulusLength: 2048 })
    : generateKeyPairSync("ec", { namedCurve: kind === "p256" ? "prime256v1" : "secp384r1" })
  ).privateKey
    .export({ type: "pkcs8", format: "pem" })
    .toString();
const FILES: Record<string, string> = {
  "/keys/good.pem": pem("p256"),
  "/keys/p384.pem": pem("p384"),
  "/keys/rsa.pem": pem("rsa"),
  "/keys/text.pem": "hello\n",
};
const readText = (path: string) => {
  const text = FILES[path];
  return text === undefined ? err("ENOENT: no such file or directory") : ok(text);
};
const APPLE = { APPLE_API_CLIENT_ID: CLIENT, APPLE_API_KEY_ID: KEY_ID, APPLE_API_PRIVATE_KEY: "/keys/good.pem" };

function problems(env: Record<string, string>): string[] {
  const result = loadConfig({ ...MINIMAL_ENV, ...env }, readText);
  if (result.ok) throw new Error("expected a refusal");
  return result.error.problems.map((p) => `${p.variable}: ${p.reason}`);
}

describe("Apple Business API configuration", () => {
  it("is off without the variables, and status/config check can say so", () => {
    const result = loadConfig(MINIMAL_ENV, readText);
    if (!result.ok) throw result.error;
    expect(result.value.connections[0].apple).toBeNull();
    expect(redactConfig(result.value).connections[0]?.apple).toEqual({ enabled: false });
  });

  it("takes the account with Apple's URLs by default; config check shows the key's path, never the key", () => {
    const result = loadConfig({ ...MINIMAL_ENV, ...APPLE }, readText);
    if (!result.ok) throw result.error;
    expect(result.value.connections[0].apple).toEqual({
      clientId: CLIENT,
      keyId: KEY_ID,
      privateKeyPath: "/keys/good.pem",
      apiUrl: "https://api-business.apple.com/v1",
      tokenUrl: "https://account.apple.com/auth/oauth2/v2/token",
    });
    const shown = JSON.stringify(redactConfig(result.value));
    expect(shown).toContain("/keys/good.pem");
    expect(shown).not.toContain("PRIVATE KEY");
  });

  it("refuses a partial account, a bad client or key id, and a key file that is missing or not EC P-256", () => {
    expect(problems({ APPLE_API_CLIENT_ID: CLIENT })).toEqual([
      "APPLE_API_KEY_ID: is required with APPLE_API_CLIENT_ID (the Apple Business API account)",
      "APPLE_API_PRIVATE_KEY: is required with APPLE_API_CLIENT_ID (the Apple Business API account)",
    ]);
    expect(problems({ ...APPLE, APPLE_API_CLIENT_ID: "9703f56c", APPLE_API_KEY_ID: "a b" })).toEqual([
      'APPLE_API_CLIENT_ID: is not an Apple API client id (BUSINESSAPI.… or SCHOOLAPI.…) (got "9703f56c")',
      'APPLE_API_KEY_ID: is not an Apple API key id (letters, digits and dashes) (got "a b")',
    ]);
    expect(problems({ ...APPLE, APPLE_API_PRIVATE_KEY: "/keys/missing.pem" })).toEqual([
      "APPLE_API_PRIVATE_KEY: names a file that cannot be read (ENOENT: no such file or directory)",
    ]);
    expect(problems({ ...APPLE, APPLE_API_PRIVATE_KEY: "/keys/text.pem" })).toEqual([
      "APPLE_API_PRIVATE_KEY: names a file that is not a PEM private key",
    ]);
    expect(problems({ ...APPLE, APPLE_API_PRIVATE_KEY: "/keys/rsa.pem" })).toEqual([
      "APPLE_API_PRIVATE_KEY: names a file that holds an RSA key, not an EC P-256 key",
    ]);
    expect(problems({ ...APPLE, APPLE_API_PRIVATE_KEY: "/keys/p384.pem" })).toEqual([
      "APPLE_API_PRIVATE_KEY: names a file that holds an EC key on secp384r1, not an EC P-256 key",
    ]);
    expect(problems({ ...APPLE, APPLE_API_URL: "http://api.example.com/v1" })).toEqual([
      'APPLE_API_URL: uses plain http (got "http://api.example.com/v1")',
    ]);
  });

  it("is set per connection in ABM_CONNECTIONS, each checked and named by its place", () => {
    const file = JSON.stringify({
      connections: [
        {
          id: "contoso",
          scimTokenVariable: "T1",
          tenantId: GUID_A,
          clientId: GUID_B,
          clientSecretVariable: "S1",
          servicePrincipalId: GUID_C,
          appleClientId: CLIENT,
          appleKeyId: KEY_ID,
          applePrivateKey: "/keys/good.pem",
          appleApiUrl: "http://127.0.0.1:9999/v1",
        },
        {
          id: "academy",
          scimTokenVariable: "T1",
          tenantId: GUID_A,
          clientId: GUID_B,
          clientSecretVariable: "S1",
          servicePrincipalId: GUID_C,
          appleClientId: "SCHOOLAPI.1234",
          appleKeyId: KEY_ID,
          applePrivateKey: "/keys/rsa.pem",
        },
      ],
    });
    const env = { ABM_CONNECTIONS: "/etc/abm/connections.json", T1: "t", S1: "s" };
    const read = (path: string) => (path === env.ABM_CONNECTIONS ? ok(file) : readText(path));
    const refused = loadConfig(env, read);
    expect(refused.ok ? [] : refused.error.problems.map((p) => `${p.variable}: ${p.reason}`)).toEqual([
      "ABM_CONNECTIONS[academy].applePrivateKey: names a file that holds an RSA key, not an EC P-256 key",
    ]);
    const fixed = loadConfig(env, (path) =>
      path === env.ABM_CONNECTIONS ? ok(file.replace("/keys/rsa.pem", "/keys/good.pem")) : readText(path),
    );
    if (!fixed.ok) throw fixed.error;
    expect(fixed.value.connections.map((c) => [c.id, c.apple?.clientId, c.apple?.apiUrl])).toEqual([
      ["contoso", CLIENT, "http://127.0.0.1:9999/v1"],
      ["academy", "SCHOOLAPI.1234", "https://api-business.apple.com/v1"],
    ]);
    const shared = loadConfig({ ...env, APPLE_API_CLIENT_ID: CLIENT }, read);
    expect(shared.ok ? [] : shared.error.problems.map((p) => p.variable)).toContain("APPLE_API_CLIENT_ID");
  });
});
