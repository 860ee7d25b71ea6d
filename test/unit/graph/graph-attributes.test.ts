import { describe, expect, it } from "vitest";
import { equalityFilter, odataString } from "#adapters/graph/odata.js";
import { hasAllSelected, topLevelSelect, toSourceUser } from "#adapters/graph/user-attributes.js";

describe("OData literals", () => {
  it("doubles single quotes and percent-encodes the filter", () => {
    expect(odataString("O'Brien")).toBe("'O''Brien'");
    expect(odataString("x' or mail eq 'y")).toBe("'x'' or mail eq ''y'");
    expect(decodeURIComponent(equalityFilter("userPrincipalName", "a'b#EXT#@c.com"))).toBe(
      "userPrincipalName eq 'a''b#EXT#@c.com'",
    );
    expect(equalityFilter("mail", "a#b&c")).not.toMatch(/[#&]/);
  });
});

describe("flattened attributes", () => {
  it("selects top-level properties, id always", () => {
    expect(topLevelSelect(["givenName", "employeeOrgData.costCenter", "employeeOrgData.division"])).toEqual([
      "id",
      "givenName",
      "employeeOrgData",
    ]);
  });

  it("flattens nested values, takes the first of multi-valued ones, and nulls what is missing", () => {
    const user = toSourceUser(
      {
        id: "u1",
        givenName: "Ana",
        accountEnabled: false,
        businessPhones: ["+1 555", "+1 556"],
        employeeOrgData: { costCenter: "CC-1", division: null },
        employeeId: 42,
      },
      [
        "givenName",
        "accountEnabled",
        "businessPhones",
        "employeeOrgData.costCenter",
        "employeeOrgData.division",
        "employeeId",
        "mail",
      ],
    );
    expect(user).toEqual({
      id: "u1",
      attributes: {
        givenName: "Ana",
        accountEnabled: false,
        businessPhones: "+1 555",
        "employeeOrgData.costCenter": "CC-1",
        "employeeOrgData.division": null,
        employeeId: "42",
        mail: null,
      },
    });
  });

  it("notices when an incremental entry lacks selected properties", () => {
    expect(hasAllSelected({ id: "u", givenName: null }, ["id", "givenName"])).toBe(true);
    expect(hasAllSelected({ id: "u", department: "x" }, ["id", "givenName", "department"])).toBe(false);
  });
});
