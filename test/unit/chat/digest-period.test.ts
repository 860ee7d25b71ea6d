import { describe, expect, it } from "vitest";
import { parseDigestAt } from "#config/parse-digest-at.js";
import { currentPeriod, type DigestTime, latestPeriod, zonedInstant } from "#core/chat/digest/period.js";

const BERLIN: DigestTime = { hour: 8, minute: 0, timeZone: "Europe/Berlin" };
const iso = (d: Date) => d.toISOString();
const hours = (p: { start: Date; end: Date }) => (p.end.getTime() - p.start.getTime()) / 3_600_000;

describe("digest periods (ABM_DIGEST_AT)", () => {
  it("a daily period ends at today's due time once it has passed, else at yesterday's", () => {
    const after = latestPeriod("daily", BERLIN, new Date("2026-12-03T07:00:00Z"));
    expect([after.key, iso(after.start), iso(after.end)]).toEqual([
      "daily:2026-12-03",
      "2026-12-02T07:00:00.000Z",
      "2026-12-03T07:00:00.000Z",
    ]);
    const before = latestPeriod("daily", BERLIN, new Date("2026-12-03T06:59:59Z"));
    expect(before.key).toBe("daily:2026-12-02");
  });

  it("keeps the local hour across daylight saving time: 23 hours in spring, 25 in autumn", () => {
    // Berlin moves to CEST on 2026-03-29 at 01:00 UTC: 08:00 is 07:00Z before and 06:00Z after
    const spring = latestPeriod("daily", BERLIN, new Date("2026-03-29T06:30:00Z"));
    expect([iso(spring.start), iso(spring.end), hours(spring)]).toEqual([
      "2026-03-28T07:00:00.000Z",
      "2026-03-29T06:00:00.000Z",
      23,
    ]);
    // and back to CET on 2026-10-25 at 01:00 UTC
    const autumn = latestPeriod("daily", BERLIN, new Date("2026-10-25T07:00:00Z"));
    expect([iso(autumn.start), iso(autumn.end), hours(autumn)]).toEqual([
      "2026-10-24T06:00:00.000Z",
      "2026-10-25T07:00:00.000Z",
      25,
    ]);
  });

  it("a weekly period runs from Monday to Monday at the due time, also across DST", () => {
    const thursday = latestPeriod("weekly", BERLIN, new Date("2026-12-03T12:00:00Z"));
    expect([thursday.key, iso(thursday.start), iso(thursday.end)]).toEqual([
      "weekly:2026-11-30",
      "2026-11-23T07:00:00.000Z",
      "2026-11-30T07:00:00.000Z",
    ]);
    const earlyMonday = latestPeriod("weekly", BERLIN, new Date("2026-11-30T06:59:00Z"));
    expect(earlyMonday.key).toBe("weekly:2026-11-23");
    const dst = latestPeriod("weekly", BERLIN, new Date("2026-03-30T06:00:00Z"));
    expect([dst.key, hours(dst)]).toEqual(["weekly:2026-03-30", 167]);
  });

  it("UTC by default; the due instant itself belongs to the period it ends", () => {
    const utc = { hour: 8, minute: 0, timeZone: "UTC" };
    const p = latestPeriod("daily", utc, new Date("2026-12-03T08:00:00Z"));
    expect([p.key, iso(p.end)]).toEqual(["daily:2026-12-03", "2026-12-03T08:00:00.000Z"]);
    const so = currentPeriod("daily", utc, new Date("2026-12-03T10:00:00Z"));
    expect([iso(so.start), iso(so.end)]).toEqual(["2026-12-03T08:00:00.000Z", "2026-12-03T10:00:00.000Z"]);
  });

  it("a local time skipped by the spring change falls after the gap", () => {
    const skipped = zonedInstant({ year: 2026, month: 3, day: 29 }, 2, 30, "Europe/Berlin");
    expect(iso(skipped)).toBe("2026-03-29T01:30:00.000Z");
    const ny = zonedInstant({ year: 2026, month: 7, day: 1 }, 7, 30, "America/New_York");
    expect(iso(ny)).toBe("2026-07-01T11:30:00.000Z");
  });

  it("parses ABM_DIGEST_AT and refuses what it cannot read with one clear reason", () => {
    expect(parseDigestAt("08:00 Europe/Berlin")).toEqual({ ok: true, value: BERLIN });
    expect(parseDigestAt("8")).toEqual({ ok: true, value: { hour: 8, minute: 0, timeZone: "UTC" } });
    expect(parseDigestAt("7:30 America/New_York")).toEqual({
      ok: true,
      value: { hour: 7, minute: 30, timeZone: "America/New_York" },
    });
    for (const bad of ["24", "8:75", "eight", "8 Mars/Olympus", "08:00 Europe/Berlin extra"]) {
      const parsed = parseDigestAt(bad);
      expect(parsed.ok, bad).toBe(false);
      if (!parsed.ok) expect(parsed.error.fix).toContain("08:00 Europe/Berlin");
    }
  });
});
