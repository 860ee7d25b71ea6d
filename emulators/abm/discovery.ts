import type { JsonObject } from "./json.js";
import {
  type AttributeDef,
  CORE_ATTRIBUTES,
  CORE_USER_SCHEMA,
  ENTERPRISE_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA,
  LIST_RESPONSE_SCHEMA,
} from "./scim-schema.js";

/** RFC 7643 §5–7 discovery documents for a users-only server (no groups, no bulk, no sort). */
export function serviceProviderConfig(baseUrl: string, maxPageSize: number): JsonObject {
  return {
    schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: maxPageSize },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: true },
    authenticationSchemes: [
      {
        type: "oauthbearertoken",
        name: "OAuth Bearer Token",
        description: "The SCIM token from Apple Business Manager → Preferences → Directory Sync.",
        primary: true,
      },
    ],
    meta: { resourceType: "ServiceProviderConfig", location: `${baseUrl}/ServiceProviderConfig` },
  };
}

const userResourceType = (baseUrl: string): JsonObject => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
  id: "User",
  name: "User",
  endpoint: "/Users",
  description: "User Account",
  schema: CORE_USER_SCHEMA,
  schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
  meta: { resourceType: "ResourceType", location: `${baseUrl}/ResourceTypes/User` },
});

function attribute(def: AttributeDef): JsonObject {
  const out: JsonObject = {
    name: def.name,
    type: def.type,
    multiValued: def.multiValued,
    required: def.required,
    caseExact: def.caseExact,
    mutability: "readWrite",
    returned: "default",
    uniqueness: def.name === "userName" ? "server" : "none",
  };
  if (def.subAttributes !== undefined) out.subAttributes = def.subAttributes.map(attribute);
  return out;
}

const schemaDoc = (baseUrl: string, id: string, name: string, defs: readonly AttributeDef[]): JsonObject => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
  id,
  name,
  attributes: defs.map(attribute),
  meta: { resourceType: "Schema", location: `${baseUrl}/Schemas/${id}` },
});

const list = (resources: JsonObject[]): JsonObject => ({
  schemas: [LIST_RESPONSE_SCHEMA],
  totalResults: resources.length,
  startIndex: 1,
  itemsPerPage: resources.length,
  Resources: resources,
});

export function resourceTypes(baseUrl: string, id: string | undefined): JsonObject | null {
  if (id === undefined) return list([userResourceType(baseUrl)]);
  return id === "User" ? userResourceType(baseUrl) : null;
}

export function schemas(baseUrl: string, id: string | undefined): JsonObject | null {
  const docs = [
    schemaDoc(baseUrl, CORE_USER_SCHEMA, "User", CORE_ATTRIBUTES),
    schemaDoc(baseUrl, ENTERPRISE_USER_SCHEMA, "EnterpriseUser", ENTERPRISE_ATTRIBUTES),
  ];
  if (id === undefined) return list(docs);
  return docs.find((d) => d.id === id) ?? null;
}
