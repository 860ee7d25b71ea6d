/**
 * The two shapes of a person the sync moves between.
 *
 * SourceUser: an Entra user as the directory source read it. Attributes are flattened Graph
 * property paths (`givenName`, `employeeOrgData.costCenter`), so an attribute map can name any of them.
 *
 * TargetUser: the ABM (SCIM) user in canonical fields; the SCIM client translates these fields
 * to SCIM paths (`name.givenName`, `emails[type eq "work"].value`, the enterprise extension).
 */
export type SourceValue = string | boolean | null;

export interface SourceUser {
  /** Entra object id */
  readonly id: string;
  readonly attributes: Readonly<Record<string, SourceValue>>;
}

export const TARGET_FIELDS = [
  "userName",
  "externalId",
  "active",
  "givenName",
  "familyName",
  "email",
  "locale",
  "employeeNumber",
  "costCenter",
  "division",
  "department",
] as const;

export type TargetField = (typeof TARGET_FIELDS)[number];

export interface TargetUser {
  readonly userName: string;
  readonly externalId: string | null;
  readonly active: boolean;
  readonly givenName: string | null;
  readonly familyName: string | null;
  readonly email: string | null;
  readonly locale: string | null;
  readonly employeeNumber: string | null;
  readonly costCenter: string | null;
  readonly division: string | null;
  readonly department: string | null;
}

/** A user as stored in ABM: the canonical fields plus the server's id and version. */
export interface ScimUser extends TargetUser {
  readonly id: string;
  readonly version: string | null;
  readonly lastModified: string | null;
}

/** Fields to change in a PATCH: a value replaces, null removes. */
export type TargetChanges = Partial<{ -readonly [K in TargetField]: TargetUser[K] }>;
