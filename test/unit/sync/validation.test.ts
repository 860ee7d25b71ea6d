import { describe, expect, it } from "vitest";
import { DEFAULT_ATTRIBUTE_MAP, parseAttributeMap } from "#core/sync/attribute-map.js";
import { mapUser } from "#core/sync/mapping.js";
import { findUnsafeCharacter } from "#core/sync/text-safety.js";
import { FIELD_LIMITS, isEmailAddress, validateTarget, validateUsers } from "#core/sync/validation.js";
import type { SourceValue } from "#core/users.js";
import { entraUser } from "./support/world.js";

const target = (overrides: Record<string, SourceValue> = {}, id = "v1") =>
  mapUser(entraUser(id, overrides), DEFAULT_ATTRIBUTE_MAP);
const codes = (overrides: Record<string, SourceValue>, verifiedDomains?: string[]) =>
  validateTarget(target(overrides), { verifiedDomains: verifiedDomains ?? null }).map((p) => p.code);

describe("validateTarget", () => {
  it("accepts a complete user", () => {
    expect(validateTarget(target(), { verifiedDomains: ["example.com"] })).toEqual([]);
  });

  it("flags a missing given name and surname with a fix naming the Entra field", () => {
    const problems = validateTarget(target({ givenName: null, surname: "" }));
    expect(problems.map((p) => [p.code, p.field])).toEqual([
      ["validation.missing_given_name", "givenName"],
      ["validation.missing_family_name", "familyName"],
    ]);
    expect(problems[1]?.fix).toContain("Last name (Identity)");
    expect(problems[1]?.fix).toContain("ABM_ATTRIBUTE_MAP");
  });

  it("names the overridden source attribute in the fix", () => {
    const parsed = parseAttributeMap({ familyName: "extensionAttribute3" });
    if (!parsed.ok) throw parsed.error;
    const user = mapUser(entraUser("v", { extensionAttribute3: null }), parsed.value);
    const [problem] = validateTarget(user, { map: parsed.value });
    expect(problem?.code).toBe("validation.missing_family_name");
    expect(problem?.fix).toContain('the attribute "extensionAttribute3"');
  });

  it("flags a missing userName and one that is not an e-mail address", () => {
    expect(codes({ userPrincipalName: null })).toContain("validation.missing_user_name");
    expect(codes({ userPrincipalName: "just-a-name" })).toEqual(["validation.user_name_not_email"]);
    expect(codes({ userPrincipalName: "a b@example.com" })).toEqual(["validation.user_name_not_email"]);
    expect(codes({ userPrincipalName: "a@localhost" })).toEqual(["validation.user_name_not_email"]);
  });

  it("flags guest (B2B) accounts specifically", () => {
    expect(codes({ userPrincipalName: "ann_partner.com#EXT#@contoso.onmicrosoft.com" })).toEqual([
      "validation.guest_user",
    ]);
  });

  it("checks verified domains case-insensitively, exact FQDN only (no subdomains)", () => {
    expect(codes({ userPrincipalName: "ann@EXAMPLE.com" }, ["Example.COM."])).toEqual([]);
    expect(codes({ userPrincipalName: "ann@sub.example.com" }, ["example.com"])).toEqual([
      "validation.domain_not_verified",
    ]);
    expect(codes({ userPrincipalName: "ann@other.org" }, ["example.com", "@corp.example"])).toEqual([
      "validation.domain_not_verified",
    ]);
    expect(codes({ userPrincipalName: "ann@other.org" }, [])).toEqual([]);
  });

  it("explains that onmicrosoft.com domains cannot be verified", () => {
    const [problem] = validateTarget(target({ userPrincipalName: "ann@contoso.onmicrosoft.com" }), {
      verifiedDomains: ["example.com"],
    });
    expect(problem?.message).toContain("cannot be verified in ABM");
    expect(problem?.fix).toContain("ABM_VERIFIED_DOMAINS");
  });

  it("flags an invalid e-mail attribute", () => {
    expect(codes({ mail: "not-mail" })).toEqual(["validation.invalid_email"]);
  });

  it("flags values over the documented limits and accepts values at the limit", () => {
    const longName = "x".repeat(FIELD_LIMITS.givenName + 1);
    const problems = validateTarget(target({ givenName: longName, department: "d".repeat(FIELD_LIMITS.department) }));
    expect(problems.map((p) => [p.code, p.field])).toEqual([["validation.too_long", "givenName"]]);
    expect(problems[0]?.message).toContain(`limit is ${FIELD_LIMITS.givenName}`);
    const longUpn = `${"a".repeat(64)}@${"b".repeat(190)}.com`;
    expect(longUpn.length).toBeGreaterThan(FIELD_LIMITS.userName);
    expect(codes({ userPrincipalName: longUpn, mail: null })).toEqual(["validation.too_long"]);
  });

  it("flags a control character or a lone surrogate in any mapped field, naming the field, the character and the Entra attribute to fix", () => {
    const [nul] = validateTarget(target({ department: "Sales\u0000Ops" }));
    expect(nul).toMatchObject({ code: "validation.invalid_characters", field: "department" });
    expect(nul?.message).toContain("department contains the control character U+0000 at position 6");
    expect(nul?.message).toContain('"Sales[U+0000]Ops"');
    expect(nul?.fix).toContain("Department (Job information) in Entra");
    const [lone] = validateTarget(target({ "employeeOrgData.costCenter": "CC \ud800" }));
    expect(lone).toMatchObject({ code: "validation.invalid_characters", field: "costCenter" });
    expect(lone?.message).toContain("lone UTF-16 surrogate U+D800");
    expect(lone?.fix).toContain("Cost center");
    expect(codes({ givenName: "Ann\u0007", surname: "Lee\udc00", preferredLanguage: "en\nUS" })).toEqual([
      "validation.invalid_characters",
      "validation.invalid_characters",
      "validation.invalid_characters",
    ]);
    expect(codes({ department: "R&D 🚀 Tomás" })).toEqual([]);
  });

  it("never quotes an unsafe character back in any message (messages are stored and posted)", () => {
    const problems = validateUsers([
      { entraId: "a", target: target({ userPrincipalName: "ann\u0000@example.com", mail: "x\ud800y" }, "a") },
      { entraId: "b", target: target({ userPrincipalName: "ANN\u0000@example.com" }, "b") },
    ]);
    const texts = [...problems.values()].flat().flatMap((p) => [p.message, p.fix]);
    expect(texts.length).toBeGreaterThan(4);
    for (const text of texts) expect(findUnsafeCharacter(text)).toBeNull();
  });

  it("isEmailAddress enforces the 64-character local part and dot rules", () => {
    expect(isEmailAddress(`${"a".repeat(64)}@example.com`)).toBe(true);
    expect(isEmailAddress(`${"a".repeat(65)}@example.com`)).toBe(false);
    expect(isEmailAddress("a..b@example.com")).toBe(false);
    expect(isEmailAddress("first.last+tag@mail.example.co.uk")).toBe(true);
  });
});

describe("validateUsers", () => {
  it("flags every user sharing a userName (case-insensitive), naming the others", () => {
    const users = [
      { entraId: "a", target: target({ userPrincipalName: "Ann@example.com" }, "a") },
      { entraId: "b", target: target({ userPrincipalName: "ann@EXAMPLE.com" }, "b") },
      { entraId: "c", target: target({}, "c") },
    ];
    const result = validateUsers(users);
    expect(result.get("a")?.map((p) => p.code)).toEqual(["validation.duplicate_user_name"]);
    expect(result.get("a")?.[0]?.message).toContain("Entra user b");
    expect(result.get("b")?.[0]?.message).toContain("Entra user a");
    expect(result.get("c")).toEqual([]);
  });

  it("does not treat missing userNames as duplicates of each other", () => {
    const users = ["a", "b"].map((id) => ({ entraId: id, target: target({ userPrincipalName: null }, id) }));
    const result = validateUsers(users);
    expect(result.get("a")?.map((p) => p.code)).toEqual(["validation.missing_user_name"]);
  });
});
