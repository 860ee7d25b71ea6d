import { describe, expect, it } from "vitest";
import { parseCommand } from "#core/chat/grammar.js";
import { requiredRole } from "#core/chat/roles.js";
import type { AppleUser } from "#core/ports/apple-directory.js";
import { type EntraPerson, reconcile } from "#core/reconcile/reconcile.js";
import type { TargetUser } from "#core/users.js";
import { appleUser } from "#test/support/chat/apple-world.js";

function person(
  id: string,
  upn: string,
  over: Partial<EntraPerson> = {},
  target: Partial<TargetUser> = {},
): EntraPerson {
  return {
    id,
    userPrincipalName: upn,
    mail: null,
    enabled: true,
    inScope: true,
    target: {
      userName: upn,
      externalId: id,
      active: true,
      givenName: "Ann",
      familyName: "Lee",
      email: upn,
      locale: null,
      employeeNumber: null,
      costCenter: null,
      division: null,
      department: null,
      ...target,
    },
    ...over,
  };
}

function apple(id: string, account: string, over: Partial<AppleUser> = {}): AppleUser {
  return appleUser(id, account, { firstName: "Ann", lastName: "Lee", email: account, ...over });
}

const now = new Date("2026-12-03T10:00:00Z");

describe("reconcile (pure)", () => {
  it("joins case-insensitively on UPN/mail vs managedAppleAccount/email and sorts every kind", () => {
    const report = reconcile({
      now,
      cycleCompleted: true,
      entra: [
        person("e1", "Ann.Lee@Contoso.com"),
        person("e2", "missing@contoso.com"),
        person("e3", "gone@contoso.com", { enabled: false }),
        person("e4", "locked@contoso.com"),
        person("e5", "boss@contoso.com"),
        person("e6", "drift@contoso.com", {}, { department: "Sales" }),
        person("e7", "outside@contoso.com", { inScope: false }),
        person("e8", "alias@contoso.com", { mail: "ann.other@contoso.com" }, { email: "Ann.Other@contoso.com" }),
      ],
      apple: [
        apple("a1", "ann.lee@contoso.com"),
        apple("a3", "gone@contoso.com"),
        apple("a4", "locked@contoso.com", { status: "LOCKED_FOR_SHARED_IPAD" }),
        apple("a5", "boss@contoso.com", { roles: ["Administrator"] }),
        apple("a6", "DRIFT@contoso.com", { department: "Marketing" }),
        apple("a7", "outside@contoso.com", { status: "DEACTIVATED" }),
        apple("a8", "hand@contoso.com"),
        apple("a9", "other@contoso.com", {
          managedAppleAccount: "x@appleid.contoso.com",
          email: "ann.other@contoso.com",
        }),
      ],
    });
    expect(report.counts).toEqual({ missing_in_apple: 1, orphan: 2, blocked_in_apple: 1, admin_skipped: 1, drift: 1 });
    expect(report.mismatches.map((m) => [m.kind, m.account])).toEqual([
      ["missing_in_apple", "missing@contoso.com"],
      ["orphan", "gone@contoso.com"],
      ["orphan", "hand@contoso.com"],
      ["blocked_in_apple", "locked@contoso.com"],
      ["admin_skipped", "boss@contoso.com"],
      ["drift", "drift@contoso.com"],
    ]);
    expect(report.matched).toBe(7);
    expect(report.entraInScope).toBe(6);
    expect(report.mismatches.find((m) => m.kind === "drift")?.detail).toBe(
      'department: Entra "Sales", Apple "Marketing"',
    );
  });

  it("does not judge missing users before a cycle completed; deactivated accounts out of scope are fine", () => {
    const report = reconcile({
      now,
      cycleCompleted: false,
      entra: [person("e1", "new@contoso.com"), person("e2", "left@contoso.com", { enabled: false })],
      apple: [apple("a2", "left@contoso.com", { status: "DEACTIVATED" })],
    });
    expect(report.mismatches).toEqual([]);
    expect(report.cycleCompleted).toBe(false);
  });

  it("is a chat command for viewers, with no arguments", () => {
    expect(parseCommand("reconcile")).toEqual({ ok: true, value: { name: "reconcile", csv: false } });
    expect(parseCommand("reconcile now").ok).toBe(false);
    expect(requiredRole("reconcile")).toBe("viewer");
  });
});
