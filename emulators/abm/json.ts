import { CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA } from "./scim-schema.js";

export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The key of `obj` that matches `name` case-insensitively (SCIM attribute names are case-insensitive). */
function findKey(obj: JsonObject, name: string): string | undefined {
  if (name in obj) return name;
  const lower = name.toLowerCase();
  for (const key of Object.keys(obj)) if (key.toLowerCase() === lower) return key;
  return undefined;
}

/**
 * Every value at an attribute path (`userName`, `name.givenName`, `emails.value`,
 * `urn:…:enterprise:2.0:User:department`), multi-valued attributes flattened.
 */
export function valuesAt(resource: JsonObject, path: string): JsonValue[] {
  let current: JsonValue[] = [resource];
  let rest = path;
  const lower = path.toLowerCase();
  const entLower = ENTERPRISE_USER_SCHEMA.toLowerCase();
  if (lower.startsWith(`${entLower}:`)) {
    const ext = resource[ENTERPRISE_USER_SCHEMA];
    current = ext === undefined ? [] : [ext];
    rest = path.slice(entLower.length + 1);
  } else if (lower.startsWith(`${CORE_USER_SCHEMA.toLowerCase()}:`)) {
    rest = path.slice(CORE_USER_SCHEMA.length + 1);
  }
  for (const segment of rest.split(".")) {
    const next: JsonValue[] = [];
    for (const item of current) {
      if (!isObject(item)) continue;
      const key = findKey(item, segment);
      if (key === undefined) continue;
      const value = item[key];
      if (value === undefined || value === null) continue;
      if (Array.isArray(value)) next.push(...value);
      else next.push(value);
    }
    current = next;
  }
  return current;
}
