import { describe, expect, it } from "vitest";
import { failuresCsv as toCsv } from "#core/chat/commands/errors.js";
import { quarantineDelayMs } from "#core/engine/context.js";
import { retryDelayMs } from "#core/engine/failure-advice.js";

describe("escrow and quarantine back-off", () => {
  it("retries a failed user after 1, 2, 4… minutes, capped at 6 h, never sooner than Retry-After", () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(a))).toEqual([60_000, 120_000, 240_000, 480_000]);
    expect(retryDelayMs(30)).toBe(6 * 60 * 60 * 1000);
    expect(retryDelayMs(1, 300_000)).toBe(300_000);
  });

  it("retries a quarantined connection at a reduced rate, doubling, at most daily", () => {
    const interval = 40 * 60 * 1000;
    expect(quarantineDelayMs(interval, 1)).toBe(4 * interval);
    expect(quarantineDelayMs(interval, 2)).toBe(8 * interval);
    expect(quarantineDelayMs(interval, 20)).toBe(24 * 60 * 60 * 1000);
  });
});

describe("errors --csv", () => {
  it("quotes per RFC 4180 and defuses spreadsheet formulas", () => {
    const csv = toCsv([
      {
        entraId: "id-1",
        userName: '=HYPERLINK("x")',
        action: "create",
        code: "scim.conflict",
        reason: 'has "quotes", commas\nand lines',
        fix: "fix it",
        attempts: 2,
        lastAttemptAt: new Date("2026-01-01T00:00:00Z"),
        nextRetryAt: null,
      },
    ]);
    const [header, row] = csv.split("\r\n");
    expect(header).toBe("entraId,userName,action,code,reason,fix,attempts,lastAttemptAt,nextRetryAt");
    expect(row).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv).toContain('"has ""quotes"", commas\nand lines"');
    expect(row?.endsWith(",fix it,2,2026-01-01T00:00:00.000Z,")).toBe(true);
  });
});
