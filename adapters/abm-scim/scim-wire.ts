import { z } from "zod";

/**
 * What SCIM servers send back (RFC 7643 §4, RFC 7644 §3.4.2, §3.12), parsed tolerantly:
 * unknown fields are dropped, optional ones may be absent or null, and the few fields some
 * servers send with the wrong JSON type (`"True"`, numeric ids, numeric status) are accepted.
 */
export const CORE_USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
export const ENTERPRISE_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
export const PATCH_OP_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
export const SCIM_CONTENT_TYPE = "application/scim+json";

const optionalString = z.string().nullish();
const looseBoolean = z
  .union([z.boolean(), z.enum(["true", "false", "True", "False", "TRUE", "FALSE"])])
  .transform((v) => (typeof v === "boolean" ? v : v.toLowerCase() === "true"));

export const scimUserWire = z.object({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  userName: z.string(),
  externalId: optionalString,
  active: looseBoolean.nullish(),
  name: z.object({ givenName: optionalString, familyName: optionalString }).nullish(),
  emails: z
    .array(z.object({ value: z.string().nullish(), type: optionalString, primary: looseBoolean.nullish() }))
    .nullish(),
  locale: optionalString,
  [ENTERPRISE_USER_SCHEMA]: z
    .object({
      employeeNumber: optionalString,
      costCenter: optionalString,
      division: optionalString,
      department: optionalString,
    })
    .nullish(),
  meta: z.object({ version: optionalString, lastModified: optionalString }).nullish(),
});
export type ScimUserWire = z.infer<typeof scimUserWire>;

export const listResponseWire = z.object({
  totalResults: z.number().int().nonnegative(),
  startIndex: z.number().int().nullish(),
  itemsPerPage: z.number().int().nullish(),
  // RFC 7644 lets a server omit Resources when there are none
  Resources: z.array(z.unknown()).nullish(),
});

export const scimErrorWire = z.object({
  status: z.union([z.string(), z.number()]).nullish(),
  scimType: optionalString,
  detail: optionalString,
});
