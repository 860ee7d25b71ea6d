/**
 * The attributes the ABM emulator knows (RFC 7643 §4.1 core User plus §4.3 enterprise extension).
 * SCIM attribute names are case-insensitive; these tables give each its canonical spelling.
 */
export const CORE_USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const ENTERPRISE_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const LIST_RESPONSE_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
export const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

type AttributeType = "string" | "boolean" | "complex" | "reference";

export interface AttributeDef {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly caseExact: boolean;
  readonly required: boolean;
  readonly subAttributes?: readonly AttributeDef[];
}

const str = (name: string, opts: { caseExact?: boolean; required?: boolean } = {}): AttributeDef => ({
  name,
  type: "string",
  multiValued: false,
  caseExact: opts.caseExact ?? false,
  required: opts.required ?? false,
});
const bool = (name: string): AttributeDef => ({
  name,
  type: "boolean",
  multiValued: false,
  caseExact: false,
  required: false,
});
const complex = (name: string, subs: readonly AttributeDef[], multiValued = false): AttributeDef => ({
  name,
  type: "complex",
  multiValued,
  caseExact: false,
  required: false,
  subAttributes: subs,
});
const multi = (name: string, extra: readonly AttributeDef[] = []): AttributeDef =>
  complex(name, [str("value"), str("display"), str("type"), bool("primary"), ...extra], true);

export const CORE_ATTRIBUTES: readonly AttributeDef[] = [
  str("externalId", { caseExact: true }),
  str("userName", { required: true }),
  complex("name", [
    str("formatted"),
    str("familyName"),
    str("givenName"),
    str("middleName"),
    str("honorificPrefix"),
    str("honorificSuffix"),
  ]),
  str("displayName"),
  str("nickName"),
  str("profileUrl"),
  str("title"),
  str("userType"),
  str("preferredLanguage"),
  str("locale"),
  str("timezone"),
  bool("active"),
  multi("emails"),
  multi("phoneNumbers"),
  complex(
    "addresses",
    [
      str("formatted"),
      str("streetAddress"),
      str("locality"),
      str("region"),
      str("postalCode"),
      str("country"),
      str("type"),
      bool("primary"),
    ],
    true,
  ),
];

export const ENTERPRISE_ATTRIBUTES: readonly AttributeDef[] = [
  str("employeeNumber"),
  str("costCenter"),
  str("organization"),
  str("division"),
  str("department"),
  complex("manager", [str("value"), str("$ref"), str("displayName")]),
];

function index(defs: readonly AttributeDef[]): ReadonlyMap<string, AttributeDef> {
  return new Map(defs.map((d) => [d.name.toLowerCase(), d]));
}

export const CORE_BY_NAME = index(CORE_ATTRIBUTES);
export const ENTERPRISE_BY_NAME = index(ENTERPRISE_ATTRIBUTES);

export function findSub(def: AttributeDef, name: string): AttributeDef | undefined {
  const lower = name.toLowerCase();
  return def.subAttributes?.find((s) => s.name.toLowerCase() === lower);
}
