import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "#config/parse-duration.js";
import { parseAlertRoutes, parseRoleList } from "#config/parse-lists.js";
import { isLoopbackHost, parseIsoDate, parseServiceUrl } from "#config/parse-scalars.js";

const ANY = { minMs: 0, maxMs: Number.MAX_SAFE_INTEGER };

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["60s", 60_000],
    ["40m", 2_400_000],
    ["2h", 7_200_000],
    ["1d", 86_400_000],
    ["1h30m", 5_400_000],
    ["2M", 120_000],
  ])("%s → %d ms", (text, ms) => {
    expect(parseDuration(text, ANY)).toEqual({ ok: true, value: ms });
  });

  it.each(["", "40", "m", "1.5h", "-5m", "5 m", "5min", "1h 30m"])("refuses %j", (text) => {
    expect(parseDuration(text, ANY).ok).toBe(false);
  });

  it("applies bounds", () => {
    const bounds = { minMs: 30_000, maxMs: 3_600_000 };
    expect(parseDuration("29s", bounds).ok).toBe(false);
    expect(parseDuration("30s", bounds).ok).toBe(true);
    expect(parseDuration("1h", bounds).ok).toBe(true);
    expect(parseDuration("61m", bounds).ok).toBe(false);
  });

  it("formats back to the shortest spelling", () => {
    expect(formatDuration(2_400_000)).toBe("40m");
    expect(formatDuration(5_400_000)).toBe("1h30m");
    expect(formatDuration(500)).toBe("500ms");
    expect(formatDuration(0)).toBe("0s");
  });
});

describe("parseAlertRoutes", () => {
  it("splits each entry on its first colon only (Teams ids contain colons)", () => {
    const result = parseAlertRoutes("slack:C012345, teams:19:abc@thread.tacv2 ,TEAMS:19:meeting_x:y@thread.v2");
    expect(result).toEqual({
      ok: true,
      value: [
        { platform: "slack", channel: "C012345" },
        { platform: "teams", channel: "19:abc@thread.tacv2" },
        { platform: "teams", channel: "19:meeting_x:y@thread.v2" },
      ],
    });
  });

  it("drops duplicates and empty entries", () => {
    const result = parseAlertRoutes("slack:C1AB,,slack:C1AB,");
    expect(result.ok && result.value).toEqual([{ platform: "slack", channel: "C1AB" }]);
  });

  it.each(["slack:", "email:x@example.com", "slack:general", "teams:19 abc"])("refuses %j", (text) => {
    expect(parseAlertRoutes(text).ok).toBe(false);
  });
});

describe("parseIsoDate", () => {
  it.each([
    ["2027-05-01", "2027-05-01T00:00:00.000Z"],
    ["2027-05-01T12:30:00Z", "2027-05-01T12:30:00.000Z"],
    ["2027-05-01T12:30:00", "2027-05-01T12:30:00.000Z"],
    ["2027-05-01T12:30:00+02:00", "2027-05-01T10:30:00.000Z"],
  ])("%s → %s (UTC unless a zone is given)", (text, iso) => {
    const result = parseIsoDate(text);
    expect(result.ok && result.value.toISOString()).toBe(iso);
  });

  it.each(["2027-02-31", "2027-02-29T10:00:00Z", "2027-13-01", "May 1", "2027-05-01T25:00:00Z"])(
    "refuses %j",
    (text) => {
      expect(parseIsoDate(text).ok).toBe(false);
    },
  );
});

describe("parseRoleList", () => {
  it("names every bad entry at once", () => {
    const result = parseRoleList("alice,ann@example.com,group:admins");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.reason).toMatch(/"alice", "group:admins"/);
  });

  it("types each entry", () => {
    const result = parseRoleList(
      "U012AB,W034CD,ann@example.com,11111111-2222-4333-8444-555555555555,group:66666666-7777-4888-9999-AAAAAAAAAAAA",
    );
    expect(result.ok && result.value.map((entry) => entry.kind)).toEqual([
      "slackUser",
      "slackUser",
      "email",
      "entraObjectId",
      "group",
    ]);
    expect(result.ok && result.value[4]?.value).toBe("66666666-7777-4888-9999-aaaaaaaaaaaa");
  });

  it("yields the chat core's entries, normalised and without duplicates", () => {
    const result = parseRoleList(
      " Ann@Example.com , ann@example.com,GROUP:66666666-7777-4888-9999-AAAAAAAAAAAA,11111111-2222-4333-8444-555555555555,11111111-2222-4333-8444-555555555555,U012AB",
    );
    expect(result.ok && result.value).toEqual([
      { kind: "email", value: "ann@example.com" },
      { kind: "group", value: "66666666-7777-4888-9999-aaaaaaaaaaaa" },
      { kind: "entraObjectId", value: "11111111-2222-4333-8444-555555555555" },
      { kind: "slackUser", value: "U012AB" },
    ]);
  });

  it("refuses Slack ids that are too long, lower-case or not U/W, and over-long e-mail local parts", () => {
    for (const bad of ["U0123456789ABCDEFGHIJK", "u012ab", "C012AB", `${"a".repeat(65)}@example.com`]) {
      expect(parseRoleList(bad).ok, bad).toBe(false);
    }
  });
});

describe("parseServiceUrl", () => {
  it("requires https except on loopback", () => {
    expect(parseServiceUrl("https://graph.microsoft.com/").ok).toBe(true);
    expect(parseServiceUrl("http://graph.microsoft.com").ok).toBe(false);
    expect(parseServiceUrl("http://127.0.0.5:8080").ok).toBe(true);
    expect(parseServiceUrl("http://[::1]:8080").ok).toBe(true);
    expect(parseServiceUrl("ftp://127.0.0.1").ok).toBe(false);
    expect(parseServiceUrl("https://user:pw@graph.microsoft.com").ok).toBe(false);
  });

  it("knows loopback hosts", () => {
    expect(isLoopbackHost("localhost")).toBe(true);
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("127.evil.com")).toBe(false);
  });
});
