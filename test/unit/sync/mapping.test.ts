import { describe, expect, it } from "vitest";
import { DEFAULT_ATTRIBUTE_MAP, parseAttributeMap } from "#core/sync/attribute-map.js";
import { allFields, attributeHash, diffTargets, mapUser, toTargetUser } from "#core/sync/mapping.js";
import type { TargetUser } from "#core/users.js";
import { entraUser, scimUser } from "./support/world.js";

describe("mapUser with the default map", () => {
  it("maps every gallery attribute", () => {
    expect(mapUser(entraUser("u1"), DEFAULT_ATTRIBUTE_MAP)).toEqual({
      userName: "u1@example.com",
      externalId: "u1",
      active: true,
      givenName: "Given u1",
      familyName: "Family u1",
      email: "u1@example.com",
      locale: "en-US",
      employeeNumber: "E-u1",
      costCenter: "CC1",
      division: "North",
      department: "Sales",
    });
  });

  it("derives active from accountEnabled and the deletion state", () => {
    expect(mapUser(entraUser("u", { accountEnabled: false }), DEFAULT_ATTRIBUTE_MAP).active).toBe(false);
    expect(mapUser(entraUser("u", { accountEnabled: "False" }), DEFAULT_ATTRIBUTE_MAP).active).toBe(false);
    expect(mapUser(entraUser("u"), DEFAULT_ATTRIBUTE_MAP, { deleted: true }).active).toBe(false);
    // a source that did not return accountEnabled never deactivates anybody
    expect(mapUser(entraUser("u", { accountEnabled: null }), DEFAULT_ATTRIBUTE_MAP).active).toBe(true);
  });

  it("trims values, treats blanks as missing and leaves a missing userName empty", () => {
    const user = mapUser(
      entraUser("u", { givenName: "  Ann  ", surname: "   ", userPrincipalName: null, department: null }),
      DEFAULT_ATTRIBUTE_MAP,
    );
    expect(user.givenName).toBe("Ann");
    expect(user.familyName).toBeNull();
    expect(user.userName).toBe("");
    expect(user.department).toBeNull();
  });
});

describe("mapUser with overrides", () => {
  it("uses the override source, its default, constants and omissions", () => {
    const parsed = parseAttributeMap({
      userName: "mail",
      familyName: { source: "extensionAttribute1", default: "Unknown" },
      division: { constant: "EMEA" },
      department: null,
      employeeNumber: "id",
    });
    if (!parsed.ok) throw parsed.error;
    const user = mapUser(entraUser("u2", { mail: "Ann@Corp.example", extensionAttribute1: null }), parsed.value);
    expect(user.userName).toBe("Ann@Corp.example");
    expect(user.familyName).toBe("Unknown");
    expect(user.division).toBe("EMEA");
    expect(user.department).toBeNull();
    expect(user.employeeNumber).toBe("u2");
    expect(user.externalId).toBe("u2");
  });
});

describe("attributeHash", () => {
  const base = mapUser(entraUser("h"), DEFAULT_ATTRIBUTE_MAP);

  it("does not depend on property order", () => {
    const reversed = Object.fromEntries(Object.entries(base).reverse()) as unknown as TargetUser;
    expect(attributeHash(reversed)).toBe(attributeHash(base));
    expect(attributeHash(base)).toMatch(/^[0-9a-f]{64}$/);
  });

  it("changes when any stored field changes, including case and active", () => {
    const hashes = new Set([
      attributeHash(base),
      attributeHash({ ...base, department: "Ops" }),
      attributeHash({ ...base, active: false }),
      attributeHash({ ...base, userName: base.userName.toUpperCase() }),
      attributeHash({ ...base, locale: null }),
    ]);
    expect(hashes.size).toBe(5);
  });

  it("ignores the server's id and version", () => {
    const stored = toTargetUser({ ...scimUser("s1", base), version: 'W/"3"' });
    expect(attributeHash(stored)).toBe(attributeHash(base));
  });
});

describe("diffTargets", () => {
  const base = mapUser(entraUser("d"), DEFAULT_ATTRIBUTE_MAP);

  it("returns only the changed fields, null meaning remove", () => {
    expect(diffTargets({ ...base, department: "Ops", locale: null }, base)).toEqual({
      department: "Ops",
      locale: null,
    });
    expect(diffTargets(base, base)).toEqual({});
  });

  it("allFields lists every field", () => {
    expect(Object.keys(allFields(base)).sort()).toEqual(Object.keys(base).sort());
  });
});
