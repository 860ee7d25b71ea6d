import { describe, expect, it } from "vitest";
import { renderReplyText } from "#app/render-text.js";
import { composeDigest, renderDigest } from "#core/chat/digest/digest.js";
import { latestPeriod } from "#core/chat/digest/period.js";
import { LINKS } from "#test/support/chat/harness.js";
import { DIGEST_AT, seededHistory, WEEK_END } from "#test/support/digest/seeded-history.js";

/** The weekly digest of a seeded week, at a fixed clock just after it is due. */
describe("the digest of a period", () => {
  const now = new Date(WEEK_END.getTime() + 30_000);
  const period = latestPeriod("weekly", DIGEST_AT, now);

  it("counts the period's runs and users, splits failures into new and still failing, names who decided", async () => {
    const { sources } = seededHistory();
    const composed = await composeDigest(sources, period, DIGEST_AT, now);
    if (!composed.ok) throw composed.error;
    const digest = composed.value;
    expect(digest.period).toEqual({
      key: "weekly:2026-11-30",
      start: new Date("2026-11-23T07:00:00Z"),
      end: WEEK_END,
      timeZone: "Europe/Berlin",
    });
    // run_1 (before) and run_6 (after the due time) are outside the week
    expect(digest.runs).toEqual({ total: 4, succeeded: 1, partial: 1, failed: 1, held: 1 });
    expect(digest.users).toEqual({ created: 6, updated: 6, deactivated: 1, deleted: 0 });
    expect(digest.failures).toEqual([
      {
        code: "validation.missing_given_name",
        reason: "Missing given name",
        users: 2,
        since: new Date("2026-11-26T13:00:40Z"),
        isNew: true,
      },
      {
        code: "scim.uniqueness",
        reason: "A personal Apple Account already uses this address",
        users: 1,
        since: new Date("2026-11-02T09:00:00Z"),
        isNew: false,
      },
    ]);
    expect(digest.approvals).toEqual([
      {
        id: "apr_week",
        status: "applied",
        users: 12,
        decidedAt: new Date("2026-11-28T11:00:00Z"),
        decidedBy: ["Ada Approver", "Bob Approver"],
      },
    ]);
    expect(digest.token).toEqual({ expiresAt: new Date("2027-01-15T00:00:00Z"), daysLeft: 46 });
    // one bar per day of the week, Monday to Sunday, labelled in Berlin time
    expect(digest.series.map((b) => b.label)).toEqual([
      "Mon 23 Nov",
      "Tue 24 Nov",
      "Wed 25 Nov",
      "Thu 26 Nov",
      "Fri 27 Nov",
      "Sat 28 Nov",
      "Sun 29 Nov",
    ]);
    expect(digest.series[1]).toEqual({ label: "Tue 24 Nov", created: 6, updated: 2, deactivated: 1, failed: 0 });
    expect(digest.series[3]).toEqual({ label: "Thu 26 Nov", created: 0, updated: 4, deactivated: 0, failed: 2 });
  });

  it("renders one channel message: facts, new and old failures, approvals, the run chart and its bars as a list", async () => {
    const { sources } = seededHistory();
    const composed = await composeDigest(sources, period, DIGEST_AT, now);
    if (!composed.ok) throw composed.error;
    const reply = renderDigest(composed.value, LINKS);
    expect(reply.visibility).toBe("channel");
    expect(renderReplyText(reply)).toMatchInlineSnapshot(`
      "WEEKLY ABM SYNC DIGEST

      Mon 23 Nov 08:00 – Mon 30 Nov 08:00 (Europe/Berlin)

      Runs   4 (1 succeeded, 1 partial, 1 failed, 1 held)
      Users  6 created, 6 updated, 1 deactivated, 0 deleted
      Token  46 days left

      New failures
        • 2 users: Missing given name (validation.missing_given_name)

      Still failing
        • 1 user: A personal Apple Account already uses this address (scim.uniqueness)

      Approvals decided
        • apr_week applied (12 users) by Ada Approver, Bob Approver

      Users changed per day
        █ created  ▓ updated  ▒ deactivated  × failed
        Mon 23 Nov │                                   no changes
        Tue 24 Nov │████████████████████▓▓▓▓▓▓▓▒▒▒     6 created, 2 updated, 1 deactivated
        Wed 25 Nov │                                   no changes
        Thu 26 Nov │▓▓▓▓▓▓▓▓▓▓▓▓▓×××××××               4 updated, 2 failed
        Fri 27 Nov │                                   no changes
        Sat 28 Nov │                                   no changes
        Sun 29 Nov │                                   no changes

      Runs with changes
        • Tue 24 Nov: +6 created, 2 updated, 1 deactivated, 0 failed
        • Thu 26 Nov: +0 created, 4 updated, 0 deactivated, 2 failed
      "
    `);
  });

  it("a daily digest has one bar per hour, 23 on the day the clocks go forward", async () => {
    const { sources } = seededHistory(null);
    const spring = latestPeriod("daily", DIGEST_AT, new Date("2026-03-29T06:00:00Z"));
    const composed = await composeDigest(sources, spring, DIGEST_AT, new Date("2026-03-29T06:00:00Z"));
    if (!composed.ok) throw composed.error;
    expect(composed.value.series).toHaveLength(23);
    expect(composed.value.series[0]?.label).toBe("08:00");
    expect(composed.value.series[22]?.label).toBe("07:00");
    expect(composed.value.token).toBeNull();
    expect(composed.value.runs.total).toBe(0);
  });
});
