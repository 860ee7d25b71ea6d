import { describe, expect, it } from "vitest";
import { createRoleChecker, refusalText, requiredRole } from "#core/chat/roles.js";
import { AppError } from "#core/errors.js";
import { FakeGroups, ManualClock, roleEntries } from "#test/support/chat/fakes.js";

const OBJECT = "11111111-2222-3333-4444-555555555555";
const GROUP = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";

function setup(entries: string[]) {
  const clock = new ManualClock(new Date("2026-03-01T10:00:00Z"));
  const groups = new FakeGroups();
  const roles = createRoleChecker({
    operators: roleEntries(...entries),
    approvers: [],
    groups,
    clock,
    cacheTtlMs: 30_000,
  });
  return { clock, groups, roles };
}

describe("roles", () => {
  it("maps commands to roles", () => {
    expect(requiredRole("status")).toBe("anyone");
    expect(requiredRole("help")).toBe("anyone");
    expect(requiredRole("check")).toBe("viewer");
    expect(requiredRole("errors")).toBe("viewer");
    expect(requiredRole("approvals")).toBe("viewer");
    expect(requiredRole("alerts.here")).toBe("operator");
    expect(requiredRole("approve")).toBe("approver");
  });

  it("ABM_VIEWERS: unset lets everyone view; set, it lists viewers (entries, groups) and operators/approvers count too", async () => {
    const clock = new ManualClock(new Date("2026-03-01T10:00:00Z"));
    const groups = new FakeGroups();
    const open = createRoleChecker({ operators: [], approvers: [], groups, clock });
    expect((await open.check({ platform: "teams", id: "x" }, "viewer")).allowed).toBe(true);
    const group = "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d";
    groups.members.set(group, new Set(["aad-vera"]));
    const listed = createRoleChecker({
      viewers: roleEntries("UVIEW", `group:${group}`),
      operators: roleEntries("UOPS"),
      approvers: roleEntries("UAPP"),
      groups,
      clock,
    });
    const can = async (actor: { platform: "slack" | "teams"; id: string; entraObjectId?: string }) =>
      (await listed.check(actor, "viewer")).allowed;
    expect(await can({ platform: "slack", id: "UVIEW" })).toBe(true);
    expect(await can({ platform: "slack", id: "UOPS" })).toBe(true);
    expect(await can({ platform: "slack", id: "UAPP" })).toBe(true);
    expect(await can({ platform: "teams", id: "29:v", entraObjectId: "aad-vera" })).toBe(true);
    expect(await can({ platform: "slack", id: "UOTHER" })).toBe(false);
    expect((await listed.check({ platform: "slack", id: "UOTHER" }, "anyone")).allowed).toBe(true);
  });

  it("matches a Slack user id only on Slack", async () => {
    const { roles } = setup(["U0123ABC"]);
    expect((await roles.check({ platform: "slack", id: "U0123ABC" }, "operator")).allowed).toBe(true);
    expect((await roles.check({ platform: "teams", id: "U0123ABC" }, "operator")).allowed).toBe(false);
    expect((await roles.check({ platform: "slack", id: "U0123ABD" }, "operator")).allowed).toBe(false);
  });

  it("matches Entra object ids and e-mails case-insensitively", async () => {
    const { roles } = setup([OBJECT.toUpperCase(), "Ops@Example.com"]);
    expect((await roles.check({ platform: "teams", id: "29:x", entraObjectId: OBJECT }, "operator")).allowed).toBe(
      true,
    );
    expect((await roles.check({ platform: "slack", id: "UX", email: "OPS@example.COM" }, "operator")).allowed).toBe(
      true,
    );
    expect((await roles.check({ platform: "slack", id: "UX", email: "other@example.com" }, "operator")).allowed).toBe(
      false,
    );
  });

  it("checks groups through the port and caches answers for the TTL", async () => {
    const { roles, groups, clock } = setup([`group:${GROUP}`]);
    groups.members.set(GROUP, new Set([OBJECT]));
    const actor = { platform: "teams" as const, id: "29:x", entraObjectId: OBJECT };
    expect((await roles.check(actor, "operator")).allowed).toBe(true);
    expect((await roles.check(actor, "operator")).allowed).toBe(true);
    expect(groups.calls).toBe(1);
    groups.members.set(GROUP, new Set());
    clock.advance(29_000);
    expect((await roles.check(actor, "operator")).allowed).toBe(true);
    clock.advance(2_000);
    expect((await roles.check(actor, "operator")).allowed).toBe(false);
    expect(groups.calls).toBe(2);
    // no Entra object id: no group lookup at all
    expect((await roles.check({ platform: "slack", id: "UX" }, "operator")).allowed).toBe(false);
    expect(groups.calls).toBe(2);
  });

  it("refuses when Graph fails and says so", async () => {
    const clock = new ManualClock(new Date());
    const roles = createRoleChecker({
      operators: roleEntries(`group:${GROUP}`),
      approvers: [],
      clock,
      groups: {
        isMember: async () => ({
          ok: false,
          error: new AppError("graph.transient", "Graph is down", { retryable: true }),
        }),
      },
    });
    const actor = { platform: "teams" as const, id: "29:x", entraObjectId: OBJECT };
    const decision = await roles.check(actor, "operator");
    expect(decision.allowed).toBe(false);
    expect(refusalText("sync", decision, actor)).toContain("Graph is down");
  });

  it("takes the configuration's entries as they are (one parser: src/config/parse-lists.ts)", async () => {
    const roles = createRoleChecker({
      operators: [{ kind: "entraObjectId", value: OBJECT }],
      approvers: [{ kind: "email", value: "ann@example.com" }],
      groups: new FakeGroups(),
      clock: new ManualClock(new Date()),
    });
    expect((await roles.check({ platform: "teams", id: "29:x", entraObjectId: OBJECT }, "operator")).allowed).toBe(
      true,
    );
    expect((await roles.check({ platform: "slack", id: "UX", email: "Ann@Example.com" }, "approver")).allowed).toBe(
      true,
    );
    expect((await roles.check({ platform: "slack", id: "UX", email: "Ann@Example.com" }, "operator")).allowed).toBe(
      false,
    );
  });

  it("refusal names the role and the variable that grants it", () => {
    const text = refusalText(
      "approve",
      { allowed: false, role: "approver", problem: null },
      { platform: "slack", id: "U999" },
    );
    expect(text).toContain("**approver**");
    expect(text).toContain("ABM_APPROVERS");
    expect(text).toContain("U999");
  });
});
