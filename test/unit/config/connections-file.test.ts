import { describe, expect, it } from "vitest";
import type { Config } from "#config/config.js";
import type { ConfigError } from "#config/config-error.js";
import { loadConfig } from "#config/load-config.js";
import { err, ok } from "#core/result.js";
import { GUID_A, GUID_B, GUID_C } from "#test/support/config/env-fixtures.js";

const FILE = "/etc/abm/connections.json";
const SECRETS = {
  CONTOSO_TOKEN: "TOKEN-s3cr3t-contoso",
  CONTOSO_SECRET: "SECRET-s3cr3t-contoso",
  SCHOOL_TOKEN: "TOKEN-s3cr3t-school",
  SCHOOL_SECRET: "SECRET-s3cr3t-school",
};

function entry(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const upper = id === "contoso" ? "CONTOSO" : "SCHOOL";
  return {
    id,
    scimUrl: `https://federation.apple.com/feeds/${id === "contoso" ? "business" : "school"}/scim`,
    scimTokenVariable: `${upper}_TOKEN`,
    tenantId: GUID_A,
    clientId: GUID_B,
    clientSecretVariable: `${upper}_SECRET`,
    servicePrincipalId: GUID_C,
    ...overrides,
  };
}

function load(connections: unknown, env: Record<string, string> = {}) {
  const text = typeof connections === "string" ? connections : JSON.stringify({ connections });
  return loadConfig({ ABM_CONNECTIONS: FILE, ...SECRETS, ...env }, (path) =>
    path === FILE ? ok(text) : err("ENOENT: no such file"),
  );
}

function valid(connections: unknown, env: Record<string, string> = {}): Config {
  const result = load(connections, env);
  if (!result.ok) throw new Error(`expected a valid config, got:\n${result.error.message}`);
  return result.value;
}

function invalid(connections: unknown, env: Record<string, string> = {}): ConfigError {
  const result = load(connections, env);
  if (result.ok) throw new Error("expected the configuration to be refused");
  return result.error;
}

describe("ABM_CONNECTIONS: several organizations", () => {
  it("loads each connection with its own secrets, organization and settings; the rest comes from the environment", () => {
    const config = valid(
      [entry("contoso", { name: "Contoso" }), entry("school", { deletionThreshold: 20, interval: "2h" })],
      { ABM_OPERATORS: "ann@example.com", DELETION_THRESHOLD: "100" },
    );
    expect(config.demo).toBe(false);
    expect(config.connectionsFile).toBe(FILE);
    const [contoso, school] = config.connections;
    expect(contoso).toMatchObject({ id: "contoso", name: "Contoso", organization: "business" });
    expect(contoso.scim.token).toBe(SECRETS.CONTOSO_TOKEN);
    expect(contoso.azure.clientSecret).toBe(SECRETS.CONTOSO_SECRET);
    expect(contoso.sync.deletionThreshold).toBe(100);
    expect(school).toMatchObject({ id: "school", name: "school", organization: "school" });
    expect(school?.scim.token).toBe(SECRETS.SCHOOL_TOKEN);
    expect(school?.sync).toMatchObject({ deletionThreshold: 20, intervalMs: 2 * 3_600_000 });
    for (const c of config.connections)
      expect(c.roles.operators).toEqual([{ kind: "email", value: "ann@example.com" }]);
  });

  it("a connection names its next SCIM token's variable (ABM_SCIM_TOKEN_NEXT) and its expiry; never echoed", () => {
    const next = "TOKEN-s3cr3t-contoso-next";
    const config = valid(
      [
        entry("contoso", { scimTokenNextVariable: "CONTOSO_TOKEN_NEXT", scimTokenNextExpires: "2028-03-01" }),
        entry("school"),
      ],
      { CONTOSO_TOKEN_NEXT: next },
    );
    const [contoso, school] = config.connections;
    expect(contoso?.scim.nextToken).toBe(next);
    expect(contoso?.scim.nextTokenExpiresAt?.toISOString()).toBe("2028-03-01T00:00:00.000Z");
    expect(school?.scim.nextToken).toBeNull();
    const error = invalid([entry("contoso", { scimTokenNextVariable: next }), entry("school")]);
    expect(error.problems).toEqual([
      expect.objectContaining({
        variable: "ABM_CONNECTIONS[contoso].scimTokenNextVariable",
        fix: expect.stringMatching(/CONTOSO_SCIM_TOKEN_NEXT/),
      }),
    ]);
    expect(error.message).not.toContain(next);
  });

  it("accepts lists as JSON arrays and numbers as numbers", () => {
    const [one] = valid(
      [
        entry("contoso", {
          alertChannels: ["slack:C012345"],
          verifiedDomains: ["contoso.com", "contoso.org"],
          approvalsRequired: 1,
          approvers: ["bob@example.com"],
        }),
      ],
      { SLACK_BOT_TOKEN: "xoxb-1-2-3", SLACK_SIGNING_SECRET: "signing" },
    ).connections;
    expect(one.sync.verifiedDomains).toEqual(["contoso.com", "contoso.org"]);
    expect(one.approvalsRequired).toBe(1);
  });

  it("lists every problem of every connection at once, each named by its place in the file", () => {
    const error = invalid([
      entry("contoso", { scimUrl: "http://abm.example.com/scim", colour: "blue" }),
      entry("school", { deletionThreshold: -1 }),
      entry("school"),
      { id: "Bad Id" },
    ]);
    expect(error.problems.map((p) => p.variable).sort()).toEqual(
      [
        "ABM_CONNECTIONS[3].id",
        "ABM_CONNECTIONS[contoso].colour",
        "ABM_CONNECTIONS[contoso].scimUrl",
        "ABM_CONNECTIONS[school].deletionThreshold",
        "ABM_CONNECTIONS[school].id",
      ].sort(),
    );
    expect(error.message).toMatch(/colour: is not a connection setting/);
  });

  it("a secret written into the file is refused without being echoed; a named variable must be set", () => {
    const leaked = "eyJhbGciOi.secret-token.value";
    const error = invalid([
      entry("contoso", { scimTokenVariable: leaked }),
      entry("school", { clientSecretVariable: "NOT_SET_ANYWHERE" }),
    ]);
    expect(error.message).not.toContain(leaked);
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          variable: "ABM_CONNECTIONS[contoso].scimTokenVariable",
          reason: expect.stringMatching(/not the name of an environment variable/),
        }),
        expect.objectContaining({
          variable: "ABM_CONNECTIONS[school].clientSecretVariable",
          reason: "names NOT_SET_ANYWHERE, which is not set",
        }),
      ]),
    );
    for (const secret of Object.values(SECRETS)) expect(error.message).not.toContain(secret);
  });

  it("missing organization settings are named in the file's words", () => {
    const error = invalid([{ id: "contoso", scimTokenVariable: "CONTOSO_TOKEN" }]);
    expect(error.problems.map((p) => p.variable)).toEqual([
      "ABM_CONNECTIONS[contoso].tenantId",
      "ABM_CONNECTIONS[contoso].clientId",
      "ABM_CONNECTIONS[contoso].clientSecretVariable",
      "ABM_CONNECTIONS[contoso].servicePrincipalId",
    ]);
  });

  it("an organization's own variables in the environment conflict with the file", () => {
    const error = invalid([entry("contoso")], { ABM_SCIM_TOKEN: "x", AZURE_TENANT_ID: GUID_A });
    expect(error.problems.map((p) => p.variable)).toEqual(["ABM_SCIM_TOKEN", "AZURE_TENANT_ID"]);
    expect(error.problems[0]?.fix).toMatch(/scimTokenVariable/);
  });

  it("an unreadable file, bad JSON or an empty list is one clear problem", () => {
    const unreadable = loadConfig({ ABM_CONNECTIONS: "/nope.json" }, () => err("ENOENT: no such file"));
    expect(unreadable.ok).toBe(false);
    if (!unreadable.ok)
      expect(unreadable.error.message).toMatch(/ABM_CONNECTIONS: names a file that cannot be read \(ENOENT/);
    expect(invalid("{ not json").message).toMatch(/ABM_CONNECTIONS: is not valid JSON/);
    expect(invalid([]).message).toMatch(/lists 0 connections/);
    expect(invalid('{"organizations":[]}').message).toMatch(/has no connections list/);
  });

  it("without ABM_CONNECTIONS the environment is the one connection `default`", () => {
    const result = loadConfig({});
    if (!result.ok) throw result.error;
    expect(result.value.connections.map((c) => c.id)).toEqual(["default"]);
    expect(result.value.connectionsFile).toBeNull();
  });

  it("ABM_DIGEST_AT is shared or set per connection (`digestAt`), and a bad value is named where it is", () => {
    const config = valid([entry("contoso"), entry("school", { digestAt: "7:30 America/New_York" })], {
      ABM_DIGEST_AT: "08:00 Europe/Berlin",
    });
    expect(config.connections.map((c) => c.alerts.digestAt)).toEqual([
      { hour: 8, minute: 0, timeZone: "Europe/Berlin" },
      { hour: 7, minute: 30, timeZone: "America/New_York" },
    ]);
    const error = invalid([entry("contoso"), entry("school", { digestAt: "8 Mars/Olympus" })]);
    expect(error.message).toContain("ABM_CONNECTIONS[school].digestAt");
    expect(error.message).toContain("Mars/Olympus");
    const env = loadConfig({ ABM_DIGEST_AT: "25:00" });
    expect(env.ok).toBe(false);
    if (!env.ok) expect(env.error.message).toMatch(/ABM_DIGEST_AT.*time of day/);
  });
});
