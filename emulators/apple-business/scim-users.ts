import type { Resource } from "./store.js";

const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/**
 * A user the SCIM feed created, as the Apple Business API lists it: in ABM the API shows every
 * user of the organization, whichever source made it (and nothing says which).
 */
export function scimUserResource(scim: Readonly<Record<string, unknown>>): Resource | null {
  const id = text(scim.id);
  const userName = text(scim.userName);
  if (id === null || userName === null) return null;
  const name = record(scim.name);
  const emails = Array.isArray(scim.emails) ? scim.emails.map(record) : [];
  const email = text((emails.find((entry) => entry.primary === true) ?? emails[0])?.value);
  const enterprise = record(scim[ENTERPRISE]);
  const meta = record(scim.meta);
  return {
    type: "users",
    id,
    attributes: {
      firstName: text(name.givenName),
      lastName: text(name.familyName),
      status: scim.active === false ? "DEACTIVATED" : "ACTIVE",
      managedAppleAccount: userName,
      email,
      isExternalUser: false,
      roleOuList: [{ roleName: "Staff", ouId: "ou-1" }],
      employeeNumber: text(enterprise.employeeNumber),
      department: text(enterprise.department),
      costCenter: text(enterprise.costCenter),
      division: text(enterprise.division),
      createdDateTime: text(meta.created),
      updatedDateTime: text(meta.lastModified),
    },
  };
}
