import { describe, expect, it } from "vitest";
import type { Config } from "#config/config.js";
import type { ConfigError } from "#config/config-error.js";
import { SECRET_VARIABLES } from "#config/env-schema.js";
import { loadConfig } from "#config/load-config.js";
import { FULL_ENV, GUID_A, GUID_B, GUID_C, MINIMAL_ENV, SECRETS } from "#test/support/config/env-fixtures.js";

type Env = Record<string, string | undefined>;

function valid(env: Env): Config {
  const result = loadConfig(env);
  if (!result.ok) throw new Error(`expected a valid config, got:\n${result.error.message}`);
  return result.value;
}

function invalid(env: Env): ConfigError {
  const result = loadConfig(env);
  if (result.ok) throw new Error("expected the configuration to be refused");
  return result.error;
}

describe("loadConfig: good environments", () => {
  const cases: [string, Env, (config: Config) => void][] = [
    [
      "empty: demo mode with every default",
      {},
      (c) => {
        expect(c.demo).toBe(true);
        expect(c.connections[0].engine).toBe("native");
        expect(c.database).toEqual({ kind: "pglite", url: null, dataDir: "./.data", pgliteDir: ".data/pglite" });
        expect(c.connections[0].scim).toEqual({
          url: "https://federation.apple.com/feeds/business/scim",
          token: null,
          tokenExpiresAt: null,
          nextToken: null,
          nextTokenExpiresAt: null,
        });
        expect(c.connections[0].azure.authorityHost).toBe("https://login.microsoftonline.com");
        expect(c.connections[0].azure.graphBaseUrl).toBe("https://graph.microsoft.com");
        expect(c.connections[0].sync).toEqual({
          concurrency: 8,
          scope: "assigned",
          intervalMs: 40 * 60_000,
          deletionThreshold: 500,
          verifiedDomains: [],
          attributeMapPath: null,
        });
        expect(c.slack.enabled).toBe(false);
        expect(c.slack.apiUrl).toBe("https://slack.com/api/");
        expect(c.teams).toMatchObject({ enabled: false, appType: "SingleTenant" });
        expect(c.connections[0].alerts.routes).toEqual([]);
        expect(c.connections[0].roles).toEqual({ viewers: [], operators: [], approvers: [] });
        expect(c.connections[0].approvalsRequired).toBe(1);
        expect(c.port).toBe(3978);
      },
    ],
    [
      "blank values count as unset",
      { ABM_SCIM_TOKEN: "", AZURE_TENANT_ID: "   ", PORT: "" },
      (c) => expect(c.demo).toBe(true),
    ],
    [
      "demo mode still validates the rest",
      { SYNC_INTERVAL: "1h30m", PORT: "0", SYNC_SCOPE: "all" },
      (c) => {
        expect(c.demo).toBe(true);
        expect(c.connections[0].sync.intervalMs).toBe(90 * 60_000);
        expect(c.port).toBe(0);
        expect(c.connections[0].sync.scope).toBe("all");
      },
    ],
    [
      "minimal native",
      MINIMAL_ENV,
      (c) => {
        expect(c.demo).toBe(false);
        expect(c.connections[0].scim.token).toBe(SECRETS.scimToken);
        expect(c.connections[0].azure).toMatchObject({
          tenantId: GUID_A,
          clientId: GUID_B,
          servicePrincipalId: GUID_C,
        });
      },
    ],
    [
      "native with scope all needs no service principal",
      { ...MINIMAL_ENV, ABM_SERVICE_PRINCIPAL_ID: undefined, SYNC_SCOPE: "all" },
      (c) => expect(c.connections[0].azure.servicePrincipalId).toBeNull(),
    ],
    [
      "entra engine needs no SCIM token",
      { ...MINIMAL_ENV, ABM_SCIM_TOKEN: undefined, ABM_ENGINE: "entra" },
      (c) => {
        expect(c.connections[0].engine).toBe("entra");
        expect(c.connections[0].scim.token).toBeNull();
      },
    ],
    [
      "full: everything parsed and grouped",
      FULL_ENV,
      (c) => {
        expect(c.database).toMatchObject({ kind: "postgres", dataDir: "/var/lib/abm", pgliteDir: null });
        expect(c.connections[0].scim.tokenExpiresAt?.toISOString()).toBe("2027-05-01T00:00:00.000Z");
        expect(c.connections[0].scim.nextToken).toBe(SECRETS.nextScimToken);
        expect(c.connections[0].scim.nextTokenExpiresAt?.toISOString()).toBe("2028-03-01T00:00:00.000Z");
        expect(c.slack).toMatchObject({ enabled: true, botToken: SECRETS.botToken, appToken: SECRETS.appToken });
        expect(c.teams).toMatchObject({ enabled: true, appId: GUID_B, tenantId: GUID_A, appType: "SingleTenant" });
        expect(c.connections[0].alerts.routes).toEqual([
          { platform: "slack", channel: "C012345" },
          { platform: "teams", channel: "19:abc@thread.tacv2" },
        ]);
        expect(c.connections[0].roles.operators).toEqual([
          { kind: "slackUser", value: "U012ABCDEF" },
          { kind: "email", value: "ann@example.com" },
          { kind: "group", value: GUID_C },
        ]);
        expect(c.connections[0].roles.approvers).toEqual([{ kind: "email", value: "bob@example.com" }]);
        expect(c.connections[0].roles.viewers).toEqual([]);
      },
    ],
    [
      "loopback http URLs are allowed (emulators)",
      {
        ...MINIMAL_ENV,
        ABM_SCIM_URL: "http://127.0.0.1:4001/scim/",
        GRAPH_BASE_URL: "http://localhost:4000",
        AZURE_AUTHORITY_HOST: "https://127.0.0.1:4000",
        SLACK_API_URL: "http://127.0.0.1:4002/api",
      },
      (c) => {
        expect(c.connections[0].scim.url).toBe("http://127.0.0.1:4001/scim");
        expect(c.connections[0].azure.graphBaseUrl).toBe("http://localhost:4000");
        expect(c.slack.apiUrl).toBe("http://127.0.0.1:4002/api/");
      },
    ],
    [
      "Teams UserAssignedMSI needs no password; MultiTenant needs no tenant",
      { MICROSOFT_APP_ID: GUID_A, MICROSOFT_APP_TYPE: "UserAssignedMSI", MICROSOFT_APP_TENANT_ID: GUID_B },
      (c) => expect(c.teams).toMatchObject({ enabled: true, appPassword: null, appType: "UserAssignedMSI" }),
    ],
    [
      "Teams MultiTenant",
      { MICROSOFT_APP_ID: GUID_A, MICROSOFT_APP_TYPE: "multitenant", MICROSOFT_APP_PASSWORD: SECRETS.appPassword },
      (c) => expect(c.teams).toMatchObject({ tenantId: null, appType: "MultiTenant" }),
    ],
    [
      "lists are trimmed, de-duplicated and normalised",
      {
        ABM_VERIFIED_DOMAINS: " Example.COM, example.com ,@example.org",
        ABM_APPROVERS: `Bob@Example.com, bob@example.com, ${GUID_A.toUpperCase()}`,
        ABM_APPROVALS_REQUIRED: "2",
        DELETION_THRESHOLD: "0",
      },
      (c) => {
        expect(c.connections[0].sync.verifiedDomains).toEqual(["example.com", "example.org"]);
        expect(c.connections[0].roles.approvers).toEqual([
          { kind: "email", value: "bob@example.com" },
          { kind: "entraObjectId", value: GUID_A },
        ]);
        expect(c.connections[0].approvalsRequired).toBe(2);
        expect(c.connections[0].sync.deletionThreshold).toBe(0);
      },
    ],
    [
      "a tenant domain is accepted",
      { ...MINIMAL_ENV, AZURE_TENANT_ID: "contoso.onmicrosoft.com" },
      (c) => expect(c.connections[0].azure.tenantId).toBe("contoso.onmicrosoft.com"),
    ],
  ];
  it.each(cases)("%s", (_name, env, check) => check(valid(env)));

  it("HOST defaults to loopback and takes any address; anonymous Teams only on loopback, without an app id", () => {
    expect(valid({}).host).toBe("127.0.0.1");
    expect(valid({ HOST: "0.0.0.0" }).host).toBe("0.0.0.0");
    expect(valid({ HOST: "[::1]" }).host).toBe("::1");
    expect(valid({}).teams).toMatchObject({ enabled: false, anonymous: false });
    expect(valid({ TEAMS_ALLOW_ANONYMOUS: "false" }).teams).toMatchObject({ enabled: false, anonymous: false });
    for (const HOST of [undefined, "127.0.0.1", "localhost", "::1", "127.0.0.2", "::ffff:127.0.0.1"]) {
      expect(valid({ TEAMS_ALLOW_ANONYMOUS: "true", HOST }).teams).toEqual({
        enabled: true,
        anonymous: true,
        appId: null,
        appPassword: null,
        tenantId: null,
        appType: "SingleTenant",
      });
    }
    expect(
      valid({ TEAMS_ALLOW_ANONYMOUS: "true", ABM_ALERT_CHANNELS: "teams:19:abc@thread.tacv2" }).connections[0].alerts
        .routes,
    ).toEqual([{ platform: "teams", channel: "19:abc@thread.tacv2" }]);
  });

  it("returns a deeply frozen config", () => {
    const config = valid(FULL_ENV);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.connections[0].sync)).toBe(true);
    expect(Object.isFrozen(config.connections[0].alerts.routes)).toBe(true);
    expect(Object.isFrozen(config.connections[0].alerts.routes[0])).toBe(true);
    expect(() => {
      (config.connections[0].sync as { concurrency: number }).concurrency = 1;
    }).toThrow(TypeError);
  });

  it("ignores every variable it does not own", () => {
    expect(valid({ HOME: "/root", PATH: "/bin", ABM_UNKNOWN: "x" }).demo).toBe(true);
  });
});

describe("loadConfig: bad environments", () => {
  const cases: [string, Env, string, RegExp][] = [
    ["interval below 5s", { SYNC_INTERVAL: "4s" }, "SYNC_INTERVAL", /shorter than 5s/],
    ["interval without unit", { SYNC_INTERVAL: "40" }, "SYNC_INTERVAL", /not a duration/],
    ["interval 500ms", { SYNC_INTERVAL: "500ms" }, "SYNC_INTERVAL", /shorter than 5s/],
    ["concurrency 0", { SYNC_CONCURRENCY: "0" }, "SYNC_CONCURRENCY", /outside 1–64/],
    ["concurrency 65", { SYNC_CONCURRENCY: "65" }, "SYNC_CONCURRENCY", /outside 1–64/],
    ["concurrency not a number", { SYNC_CONCURRENCY: "eight" }, "SYNC_CONCURRENCY", /not a whole number/],
    ["negative threshold", { DELETION_THRESHOLD: "-1" }, "DELETION_THRESHOLD", /outside/],
    ["approvals 6", { ABM_APPROVALS_REQUIRED: "6" }, "ABM_APPROVALS_REQUIRED", /outside 1–5/],
    ["port too high", { PORT: "65536" }, "PORT", /outside 0–65535/],
    ["unknown engine", { ABM_ENGINE: "scim" }, "ABM_ENGINE", /native, entra/],
    ["unknown scope", { SYNC_SCOPE: "some" }, "SYNC_SCOPE", /all, assigned/],
    ["graph over http", { ...MINIMAL_ENV, GRAPH_BASE_URL: "http://graph.example.com" }, "GRAPH_BASE_URL", /plain http/],
    [
      "authority not a URL",
      { ...MINIMAL_ENV, AZURE_AUTHORITY_HOST: "login" },
      "AZURE_AUTHORITY_HOST",
      /not an absolute URL/,
    ],
    [
      "SCIM URL over http",
      { ...MINIMAL_ENV, ABM_SCIM_URL: "http://federation.apple.com/scim" },
      "ABM_SCIM_URL",
      /plain http/,
    ],
    ["client id not a GUID", { ...MINIMAL_ENV, AZURE_CLIENT_ID: "my-app" }, "AZURE_CLIENT_ID", /not a GUID/],
    ["bad token expiry", { ...MINIMAL_ENV, ABM_SCIM_TOKEN_EXPIRES: "next year" }, "ABM_SCIM_TOKEN_EXPIRES", /ISO date/],
    [
      "impossible date",
      { ...MINIMAL_ENV, ABM_SCIM_TOKEN_EXPIRES: "2027-02-31" },
      "ABM_SCIM_TOKEN_EXPIRES",
      /real calendar date/,
    ],
    ["alert route without platform", { ABM_ALERT_CHANNELS: "C012345" }, "ABM_ALERT_CHANNELS", /slack: or teams:/],
    [
      "alert route with a channel name",
      { ABM_ALERT_CHANNELS: "slack:#general" },
      "ABM_ALERT_CHANNELS",
      /not a Slack channel id/,
    ],
    [
      "alert route to a platform that is off",
      { ABM_ALERT_CHANNELS: "teams:19:abc@thread.tacv2" },
      "ABM_ALERT_CHANNELS",
      /off/,
    ],
    ["operator not recognised", { ABM_OPERATORS: "alice" }, "ABM_OPERATORS", /not a Slack user id/],
    ["viewer not recognised", { ABM_VIEWERS: "bob" }, "ABM_VIEWERS", /not a Slack user id/],
    ["group without a GUID", { ABM_APPROVERS: "group:admins" }, "ABM_APPROVERS", /group:<id>/],
    ["domain list entry", { ABM_VERIFIED_DOMAINS: "example" }, "ABM_VERIFIED_DOMAINS", /not a domain name/],
    ["database URL of another kind", { DATABASE_URL: "mysql://u:p@h/db" }, "DATABASE_URL", /postgres/],
    ["native without token", { ...MINIMAL_ENV, ABM_SCIM_TOKEN: undefined }, "ABM_SCIM_TOKEN", /native engine/],
    [
      "assigned without service principal",
      { ...MINIMAL_ENV, ABM_SERVICE_PRINCIPAL_ID: undefined },
      "ABM_SERVICE_PRINCIPAL_ID",
      /assigned scope/,
    ],
    [
      "entra without service principal, even for scope all",
      { ...MINIMAL_ENV, ABM_ENGINE: "entra", SYNC_SCOPE: "all", ABM_SERVICE_PRINCIPAL_ID: undefined },
      "ABM_SERVICE_PRINCIPAL_ID",
      /entra engine/,
    ],
    ["partial Azure", { AZURE_TENANT_ID: GUID_A }, "AZURE_CLIENT_SECRET", /required once ABM or Azure/],
    [
      "Slack token without secret",
      { SLACK_BOT_TOKEN: SECRETS.botToken },
      "SLACK_SIGNING_SECRET",
      /required with SLACK_BOT_TOKEN/,
    ],
    ["Slack secret without token", { SLACK_SIGNING_SECRET: SECRETS.signingSecret }, "SLACK_BOT_TOKEN", /required with/],
    [
      "Slack bot token of the wrong kind",
      { SLACK_BOT_TOKEN: "xoxp-user", SLACK_SIGNING_SECRET: "s" },
      "SLACK_BOT_TOKEN",
      /xoxb-/,
    ],
    ["Socket Mode without Slack", { SLACK_APP_TOKEN: SECRETS.appToken }, "SLACK_APP_TOKEN", /Slack is off/],
    [
      "SingleTenant Teams without tenant",
      { MICROSOFT_APP_ID: GUID_A, MICROSOFT_APP_PASSWORD: "p" },
      "MICROSOFT_APP_TENANT_ID",
      /SingleTenant/,
    ],
    [
      "Teams without password",
      { MICROSOFT_APP_ID: GUID_A, MICROSOFT_APP_TENANT_ID: GUID_B },
      "MICROSOFT_APP_PASSWORD",
      /required/,
    ],
    ["Teams password without app id", { MICROSOFT_APP_PASSWORD: "p" }, "MICROSOFT_APP_PASSWORD", /Teams is off/],
    ["unknown Teams app type", { MICROSOFT_APP_TYPE: "Single" }, "MICROSOFT_APP_TYPE", /SingleTenant/],
    ["HOST not an address", { HOST: "my host" }, "HOST", /not an IP address/],
    ["anonymous Teams not a boolean", { TEAMS_ALLOW_ANONYMOUS: "maybe" }, "TEAMS_ALLOW_ANONYMOUS", /true or false/],
    [
      "anonymous Teams with a registered bot",
      {
        TEAMS_ALLOW_ANONYMOUS: "true",
        MICROSOFT_APP_ID: GUID_B,
        MICROSOFT_APP_PASSWORD: "p",
        MICROSOFT_APP_TENANT_ID: GUID_A,
      },
      "TEAMS_ALLOW_ANONYMOUS",
      /cannot be combined with MICROSOFT_APP_ID/,
    ],
    [
      "anonymous Teams on every interface",
      { TEAMS_ALLOW_ANONYMOUS: "true", HOST: "0.0.0.0" },
      "TEAMS_ALLOW_ANONYMOUS",
      /HOST=0\.0\.0\.0 listens beyond this machine/,
    ],
    [
      "anonymous Teams on an interface address",
      { TEAMS_ALLOW_ANONYMOUS: "yes", HOST: "10.1.2.3" },
      "TEAMS_ALLOW_ANONYMOUS",
      /listens beyond this machine/,
    ],
    ["anonymous Teams on IPv6 any", { TEAMS_ALLOW_ANONYMOUS: "1", HOST: "::" }, "TEAMS_ALLOW_ANONYMOUS", /beyond/],
    [
      "more approvals than approvers",
      { ABM_APPROVERS: "a@example.com", ABM_APPROVALS_REQUIRED: "2" },
      "ABM_APPROVALS_REQUIRED",
      /lists only 1/,
    ],
  ];
  it.each(cases)("%s", (_name, env, variable, reason) => {
    const error = invalid(env);
    expect(error.code).toBe("config.invalid");
    expect(error.retryable).toBe(false);
    const problem = error.problems.find((entry) => entry.variable === variable);
    expect(problem, error.message).toBeDefined();
    expect(problem?.reason).toMatch(reason);
    expect(problem?.fix.length).toBeGreaterThan(5);
    expect(error.message).toContain(`${variable}: `);
  });

  it("lists every problem at once, one line each, in the order of the variables", () => {
    const error = invalid({ PORT: "x", SYNC_INTERVAL: "4s", SYNC_CONCURRENCY: "100", ABM_ENGINE: "other" });
    expect(error.problems.map((problem) => problem.variable)).toEqual([
      "ABM_ENGINE",
      "SYNC_CONCURRENCY",
      "SYNC_INTERVAL",
      "PORT",
    ]);
    const lines = error.message.split("\n");
    expect(lines[0]).toMatch(/4 problems/);
    expect(lines.slice(1)).toHaveLength(4);
    for (const line of lines.slice(1)) expect(line).toMatch(/^ {2}[A-Z_]+: .+\. Fix: .+\.$/);
  });

  it("reports field errors and missing variables together", () => {
    const error = invalid({ ABM_SCIM_TOKEN: SECRETS.scimToken, AZURE_CLIENT_ID: "nope", SYNC_INTERVAL: "1s" });
    expect(error.problems.map((problem) => problem.variable)).toEqual([
      "AZURE_TENANT_ID",
      "AZURE_CLIENT_ID",
      "AZURE_CLIENT_SECRET",
      "ABM_SERVICE_PRINCIPAL_ID",
      "SYNC_INTERVAL",
    ]);
  });

  it("never echoes a secret value, even when the secret itself is the bad variable", () => {
    const env: Env = {
      DATABASE_URL: `mysql://abm:${SECRETS.dbPassword}@db/abm`,
      ABM_SCIM_TOKEN: `${SECRETS.scimToken} trailing`,
      AZURE_CLIENT_SECRET: `${SECRETS.clientSecret} x`,
      SLACK_BOT_TOKEN: `not-${SECRETS.botToken}`,
      SLACK_APP_TOKEN: `bad-${SECRETS.appToken}`,
      MICROSOFT_APP_PASSWORD: `${SECRETS.appPassword} y`,
      SYNC_INTERVAL: "soon",
    };
    const error = invalid(env);
    expect(error.problems.length).toBeGreaterThanOrEqual(7);
    const everything = JSON.stringify({ message: error.message, json: error.toJSON(), problems: error.problems });
    for (const secret of Object.values(SECRETS)) expect(everything).not.toContain(secret);
    expect(everything).not.toContain("s3cr3t");
    // non-secret values are shown, to help fix them
    expect(error.message).toContain('(got "soon")');
  });

  it.each(SECRET_VARIABLES)("a bad %s is reported without its value", (name) => {
    const error = invalid({ [name]: `LEAK-${name} x` });
    expect(error.problems.map((problem) => problem.variable)).toContain(name);
    expect(JSON.stringify({ message: error.message, problems: error.problems })).not.toContain("LEAK-");
  });
});
