import { describe, expect, it } from "vitest";
import { loadConfig } from "#config/load-config.js";
import { REDACTED, redactConfig, redactDatabaseUrl } from "#config/redact-config.js";
import { FULL_ENV, SECRETS } from "#test/support/config/env-fixtures.js";

describe("redactConfig", () => {
  it("shows every area and never a secret", () => {
    const result = loadConfig(FULL_ENV);
    if (!result.ok) throw result.error;
    const shown = redactConfig(result.value);
    const text = JSON.stringify(shown);
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    expect(shown.connections[0]?.scim.token).toBe(REDACTED);
    expect(shown.connections[0]?.azure.clientSecret).toBe(REDACTED);
    expect(shown.slack).toMatchObject({
      enabled: true,
      mode: "socket",
      botToken: REDACTED,
      signingSecret: REDACTED,
      appToken: REDACTED,
    });
    expect(shown.teams).toMatchObject({ enabled: true, appPassword: REDACTED });
    expect(shown.database).toMatchObject({ kind: "postgres", url: `postgres://abm:${REDACTED}@db.internal:5432/abm` });
    expect(shown.connections[0]?.alerts.routes).toEqual(["slack:C012345", "teams:19:abc@thread.tacv2"]);
    expect(shown.connections[0]?.roles.operators).toMatchObject({ total: 3, slackUsers: 1, emails: 1, groups: 1 });
    expect(shown.connections[0]?.sync.interval).toBe("40m");
  });

  it("says unset for secrets that are not configured", () => {
    const result = loadConfig({});
    if (!result.ok) throw result.error;
    const shown = redactConfig(result.value);
    expect(shown.connections[0]?.scim.token).toBe("unset");
    expect(shown.slack.botToken).toBe("unset");
    expect(shown.database.url).toBeNull();
  });
});

describe("redactDatabaseUrl", () => {
  it("hides the password and secret-looking query values", () => {
    expect(redactDatabaseUrl("postgres://u:hunter2@h:5432/d?sslmode=require&sslpassword=abc")).toBe(
      `postgres://u:${REDACTED}@h:5432/d?sslmode=require&sslpassword=${REDACTED}`,
    );
    expect(redactDatabaseUrl("postgres://h/d")).toBe("postgres://h/d");
    expect(redactDatabaseUrl("not a url hunter2")).toBe(REDACTED);
  });
});
