import { describe, expect, it } from "vitest";
import { fromScimResource, toPatchOperations, toScimResource } from "#adapters/abm-scim/mapping.js";
import { scimUserWire } from "#adapters/abm-scim/scim-wire.js";
import type { TargetUser } from "#core/users.js";

const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const full: TargetUser = {
  userName: "ann@example.com",
  externalId: "oid-1",
  active: true,
  givenName: "Ann",
  familyName: "Lee",
  email: "ann@example.com",
  locale: "en-US",
  employeeNumber: "42",
  costCenter: "CC",
  division: "D",
  department: "Eng",
};

describe("SCIM mapping", () => {
  it("writes the core schema plus the enterprise extension", () => {
    expect(toScimResource(full)).toEqual({
      schemas: ["urn:ietf:params:scim:schemas:core:2.0:User", ENT],
      userName: "ann@example.com",
      externalId: "oid-1",
      active: true,
      name: { givenName: "Ann", familyName: "Lee" },
      emails: [{ value: "ann@example.com", type: "work", primary: true }],
      locale: "en-US",
      [ENT]: { employeeNumber: "42", costCenter: "CC", division: "D", department: "Eng" },
    });
  });

  it("omits null fields and the extension when it is empty", () => {
    const body = toScimResource({
      ...full,
      externalId: null,
      email: null,
      locale: null,
      employeeNumber: null,
      costCenter: null,
      division: null,
      department: null,
    });
    expect(Object.keys(body).sort()).toEqual(["active", "name", "schemas", "userName"]);
  });

  it("sends replace for values and remove for nulls, only for the changed fields", () => {
    expect(toPatchOperations({ givenName: "A", department: null, active: false, email: "b@example.com" })).toEqual([
      { op: "replace", path: "active", value: false },
      { op: "replace", path: "name.givenName", value: "A" },
      { op: "replace", path: "emails", value: [{ value: "b@example.com", type: "work", primary: true }] },
      { op: "remove", path: `${ENT}:department` },
    ]);
    expect(toPatchOperations({})).toEqual([]);
  });

  it("reads tolerant of extra fields, string booleans, numeric ids and missing optionals", () => {
    const wire = scimUserWire.parse({
      id: 17,
      userName: "x@example.com",
      active: "False",
      emails: [
        { value: "home@example.com", type: "home" },
        { value: "w@example.com", type: "Work" },
      ],
      groups: [],
      "urn:vendor:thing": { a: 1 },
      meta: { version: 'W/"3"', created: "2024-01-01T00:00:00Z" },
    });
    expect(fromScimResource(wire)).toEqual({
      id: "17",
      userName: "x@example.com",
      externalId: null,
      active: false,
      givenName: null,
      familyName: null,
      email: "w@example.com",
      locale: null,
      employeeNumber: null,
      costCenter: null,
      division: null,
      department: null,
      version: 'W/"3"',
      lastModified: null,
    });
    expect(fromScimResource(scimUserWire.parse({ id: "1", userName: "y@example.com" })).active).toBe(true);
    expect(scimUserWire.safeParse({ userName: "no-id@example.com" }).success).toBe(false);
  });
});
