import { describe, expect, it } from "vitest";
import { DEFAULT_ATTRIBUTE_MAP, parseAttributeMap, selectFor } from "#core/sync/attribute-map.js";

function parseError(json: unknown): string {
  const result = parseAttributeMap(json);
  if (result.ok) throw new Error("expected the map to be rejected");
  expect(result.error.code).toBe("config.attribute_map_invalid");
  expect(result.error.retryable).toBe(false);
  return result.error.message;
}

describe("default attribute map (Entra's Apple Business Manager gallery app)", () => {
  it("maps the gallery attributes", () => {
    expect(DEFAULT_ATTRIBUTE_MAP.rules).toEqual({
      userName: { kind: "source", path: "userPrincipalName", fallback: null },
      givenName: { kind: "source", path: "givenName", fallback: null },
      familyName: { kind: "source", path: "surname", fallback: null },
      email: { kind: "source", path: "mail", fallback: null },
      locale: { kind: "source", path: "preferredLanguage", fallback: null },
      employeeNumber: { kind: "source", path: "employeeId", fallback: null },
      department: { kind: "source", path: "department", fallback: null },
      costCenter: { kind: "source", path: "employeeOrgData.costCenter", fallback: null },
      division: { kind: "source", path: "employeeOrgData.division", fallback: null },
    });
  });

  it("selects top-level Graph properties plus id and accountEnabled, sorted and unique", () => {
    expect(selectFor(DEFAULT_ATTRIBUTE_MAP)).toEqual([
      "accountEnabled",
      "department",
      "employeeId",
      "employeeOrgData",
      "givenName",
      "id",
      "mail",
      "preferredLanguage",
      "surname",
      "userPrincipalName",
    ]);
  });
});

describe("parseAttributeMap", () => {
  it("accepts an empty document (the defaults)", () => {
    const result = parseAttributeMap({});
    expect(result).toEqual({ ok: true, value: DEFAULT_ATTRIBUTE_MAP });
  });

  it("merges overrides of every form over the defaults", () => {
    const result = parseAttributeMap({
      userName: "mail",
      familyName: { source: "onPremisesExtensionAttributes.extensionAttribute1", default: "-" },
      department: null,
      division: { constant: "EMEA" },
      locale: { source: "usageLocation" },
    });
    if (!result.ok) throw result.error;
    const { rules } = result.value;
    expect(rules.userName).toEqual({ kind: "source", path: "mail", fallback: null });
    expect(rules.familyName).toEqual({
      kind: "source",
      path: "onPremisesExtensionAttributes.extensionAttribute1",
      fallback: "-",
    });
    expect(rules.department).toEqual({ kind: "omit" });
    expect(rules.division).toEqual({ kind: "constant", value: "EMEA" });
    expect(rules.locale).toEqual({ kind: "source", path: "usageLocation", fallback: null });
    expect(rules.givenName).toEqual(DEFAULT_ATTRIBUTE_MAP.rules.givenName);
    expect(selectFor(result.value)).toEqual([
      "accountEnabled",
      "employeeId",
      "employeeOrgData",
      "givenName",
      "id",
      "mail",
      "onPremisesExtensionAttributes",
      "usageLocation",
    ]);
  });

  it("names an unknown target field and lists the known ones", () => {
    const message = parseError({ familyNme: "surname" });
    expect(message).toContain('unknown target field "familyNme"');
    expect(message).toContain("familyName");
  });

  it("rejects a bad source path", () => {
    expect(parseError({ department: "job title" })).toContain('"department": not a Graph attribute path');
    expect(parseError({ department: "a.b.c.d" })).toContain("not a Graph attribute path");
    expect(parseError({ familyName: { source: "1abc" } })).toContain('"familyName.source"');
  });

  it("refuses to remap externalId and active, saying why", () => {
    expect(parseError({ externalId: "employeeId" })).toContain("externalId is always the Entra object id");
    expect(parseError({ active: "accountEnabled" })).toContain("active always follows accountEnabled");
  });

  it("requires userName to come from a source attribute", () => {
    expect(parseError({ userName: null })).toContain("userName needs a source attribute");
    expect(parseError({ userName: { constant: "x@example.com" } })).toContain("userName needs a source attribute");
  });

  it("does not let the required names be removed", () => {
    expect(parseError({ givenName: null })).toContain('"givenName": expected a source attribute');
    expect(parseError({ familyName: { constant: "Smith" } })).toContain("ABM requires this field");
  });

  it("rejects unknown keys inside a rule and empty constants", () => {
    expect(parseError({ department: { source: "department", transform: "upper" } })).toContain(
      '"department": unknown key "transform"',
    );
    expect(parseError({ division: { constant: "" } })).toContain("a constant must not be empty");
  });

  it("rejects a document that is not an object and lists every problem at once", () => {
    expect(parseError(["userName"])).toContain("must be a JSON object");
    expect(parseError("mail")).toContain("must be a JSON object");
    const message = parseError({ externalId: "x", nope: 1, department: 5 });
    expect(message).toContain("externalId");
    expect(message).toContain('"nope"');
    expect(message).toContain('"department"');
  });
});
