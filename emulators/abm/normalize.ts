import { isObject, type JsonObject, type JsonValue } from "./json.js";
import { invalidValue } from "./scim-error.js";
import { type AttributeDef, CORE_BY_NAME, ENTERPRISE_BY_NAME, ENTERPRISE_USER_SCHEMA, findSub } from "./scim-schema.js";

/**
 * Turns a client's value for an attribute into the canonical stored form: canonical names,
 * checked types, unknown sub-attributes dropped. `undefined` means "no value" (null or empty).
 */
export function normalizeValue(def: AttributeDef, value: JsonValue, path: string): JsonValue | undefined {
  if (value === null) return undefined;
  if (def.multiValued) {
    const items = Array.isArray(value) ? value : [value];
    const out: JsonValue[] = [];
    for (const item of items) {
      const n = normalizeSingle(def, item, path);
      if (n !== undefined) out.push(n);
    }
    return out.length === 0 ? undefined : out;
  }
  return normalizeSingle(def, value, path);
}

function normalizeSingle(def: AttributeDef, value: JsonValue, path: string): JsonValue | undefined {
  if (value === null) return undefined;
  switch (def.type) {
    case "string":
    case "reference":
      if (typeof value !== "string") throw invalidValue(`Attribute "${path}" must be a string.`);
      return value;
    case "boolean":
      if (typeof value === "boolean") return value;
      // Entra sends booleans as "True"/"False" in PATCH operations.
      if (typeof value === "string" && /^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
      throw invalidValue(`Attribute "${path}" must be a boolean.`);
    case "complex": {
      if (!isObject(value)) throw invalidValue(`Attribute "${path}" must be an object.`);
      const out: JsonObject = {};
      for (const [key, sub] of Object.entries(value)) {
        const subDef = findSub(def, key);
        if (subDef === undefined) continue;
        const n = normalizeValue(subDef, sub, `${path}.${subDef.name}`);
        if (n !== undefined) out[subDef.name] = n;
      }
      return Object.keys(out).length === 0 ? undefined : out;
    }
  }
}

/** The stored attributes of a POSTed or PUT user (without `id`, `meta`, `schemas`). */
export function normalizeUser(input: JsonObject): JsonObject {
  const out: JsonObject = {};
  const entLower = ENTERPRISE_USER_SCHEMA.toLowerCase();
  for (const [key, value] of Object.entries(input)) {
    const lower = key.toLowerCase();
    if (lower === entLower) {
      if (value === null) continue;
      if (!isObject(value)) throw invalidValue(`"${ENTERPRISE_USER_SCHEMA}" must be an object.`);
      const ext: JsonObject = {};
      for (const [extKey, extValue] of Object.entries(value)) {
        const def = ENTERPRISE_BY_NAME.get(extKey.toLowerCase());
        if (def === undefined) continue;
        const n = normalizeValue(def, extValue, def.name);
        if (n !== undefined) ext[def.name] = n;
      }
      if (Object.keys(ext).length > 0) out[ENTERPRISE_USER_SCHEMA] = ext;
      continue;
    }
    const def = CORE_BY_NAME.get(lower);
    if (def === undefined) continue; // id, meta, schemas and attributes ABM does not store
    const n = normalizeValue(def, value, def.name);
    if (n !== undefined) out[def.name] = n;
  }
  return out;
}
