import { describe, expect, it } from "vitest";
import { VERDICT_MARK, whySteps } from "#core/chat/why-steps.js";
import type { OperationFacts, UserFacts } from "#core/ports/provisioning-engine.js";
import type { ScimUser } from "#core/users.js";

const ID = "11111111-2222-3333-4444-555555555555";

const SUCCEEDED: OperationFacts = {
  at: new Date("2026-03-01T10:00:00Z"),
  action: "update",
  status: "succeeded",
  code: null,
  message: null,
  fix: null,
  attempts: null,
  nextRetryAt: null,
};

const IN_ABM: ScimUser = {
  id: "s-1",
  userName: "neil@contoso.com",
  externalId: ID,
  active: true,
  givenName: "Neil",
  familyName: "Armstrong",
  email: null,
  locale: null,
  employeeNumber: null,
  costCenter: null,
  division: null,
  department: null,
  version: null,
  lastModified: null,
};

const base: UserFacts = {
  query: "neil@contoso.com",
  engine: "native",
  source: { id: ID, attributes: { userPrincipalName: "neil@contoso.com", accountEnabled: true } },
  deleted: null,
  scope: { mode: "assigned", inScope: true, path: { direct: true, groups: [], nestedGroups: [] } },
  problems: [],
  payload: null,
  link: { known: true, value: { scimId: "s-1", userName: "neil@contoso.com", active: true } },
  lastOperation: { known: true, value: SUCCEEDED },
  target: { known: true, value: IN_ABM },
};

const marks = (facts: UserFacts) => whySteps(facts, "ABM").map((s) => `${s.step}:${VERDICT_MARK[s.verdict]}`);

describe("why <user> verdicts", () => {
  it("all ✓ for a synced, active user; the steps are always the same seven, in order", () => {
    expect(marks(base)).toEqual([
      "entra:✓",
      "enabled:✓",
      "scope:✓",
      "valid:✓",
      "linked:✓",
      "last_operation:✓",
      "abm:✓",
    ]);
  });

  it("entra engine: the link and ABM are not available (–), the provisioning log entry is the last operation", () => {
    const facts: UserFacts = {
      ...base,
      engine: "entra",
      link: { known: false, why: "Entra's provisioning job keeps the link." },
      target: { known: false, why: "The service does not read ABM." },
      lastOperation: {
        known: true,
        value: {
          at: new Date("2026-03-01T10:00:00Z"),
          action: "create",
          status: "failure",
          code: "SystemForCrossDomainIdentityManagementConflict",
          message: "userName taken",
          fix: "Ask the user to change the personal Apple Account's e-mail.",
          attempts: null,
          nextRetryAt: null,
        },
      },
    };
    const steps = whySteps(facts, "ABM");
    expect(marks(facts).slice(4)).toEqual(["linked:–", "last_operation:✗", "abm:–"]);
    expect(steps[4]?.summary).toContain("Not available");
    expect(steps[5]?.details.join(" ")).toContain("Fix: Ask the user");
  });

  it("a user in a direct group AND a nested group is in scope, and the nested path is named as not counted", () => {
    const facts: UserFacts = {
      ...base,
      scope: {
        mode: "assigned",
        inScope: true,
        path: {
          direct: false,
          groups: [{ id: "g1", displayName: "Sales" }],
          nestedGroups: [{ id: "g2", displayName: null }],
        },
      },
    };
    const [, , scope] = whySteps(facts, "ABM");
    expect(scope?.verdict).toBe("pass");
    expect(scope?.summary).toContain("**Sales**");
    expect(scope?.details[0]).toContain("NESTED group under `g2`: not counted");
  });

  it("invalid: every problem with its fix; a missing link after a break is – rather than a second ✗", () => {
    const facts: UserFacts = {
      ...base,
      problems: [
        { code: "validation.missing_given_name", field: "givenName", message: "Missing.", fix: "Set it." },
        { code: "validation.unverified_domain", field: "userName", message: "Not verified.", fix: "Verify it." },
      ],
      link: { known: true, value: null },
      lastOperation: { known: true, value: null },
      target: { known: true, value: null },
    };
    const steps = whySteps(facts, "ABM");
    expect(marks(facts)).toEqual([
      "entra:✓",
      "enabled:✓",
      "scope:✓",
      "valid:✗",
      "linked:–",
      "last_operation:–",
      "abm:✗",
    ]);
    expect(steps[3]?.details).toEqual([
      "**givenName**: Missing. Fix: Set it.",
      "**userName**: Not verified. Fix: Verify it.",
    ]);
  });

  it("held and skipped operations break; a pending one is not known yet", () => {
    const op = (status: string): UserFacts => ({
      ...base,
      lastOperation: {
        known: true,
        value: { ...SUCCEEDED, status },
      },
    });
    expect(marks(op("held"))[5]).toBe("last_operation:✗");
    expect(marks(op("skipped"))[5]).toBe("last_operation:✗");
    expect(marks(op("pending"))[5]).toBe("last_operation:–");
  });

  it("the scope `all`, an inactive link and an ABM user carrying another externalId", () => {
    const facts: UserFacts = {
      ...base,
      scope: { mode: "all", inScope: true, path: null },
      link: { known: true, value: { scimId: "s-1", userName: "neil@contoso.com", active: false } },
      target: { known: true, value: { ...IN_ABM, externalId: "other" } },
    };
    const steps = whySteps(facts, "ASM");
    expect(steps[2]?.summary).toBe('The scope is "all users".');
    expect(steps[4]?.verdict).toBe("fail");
    expect(steps[6]?.summary).toContain("ASM holds");
    expect(steps[6]?.verdict).toBe("fail");
  });
});
