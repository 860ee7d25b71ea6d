import { type Filter, matches, parseFilter } from "./filter.js";
import { isObject, type JsonObject, type JsonValue } from "./json.js";
import { normalizeValue } from "./normalize.js";
import { invalidPath, invalidSyntax, invalidValue, noTarget } from "./scim-error.js";
import {
  type AttributeDef,
  CORE_BY_NAME,
  CORE_USER_SCHEMA,
  ENTERPRISE_BY_NAME,
  ENTERPRISE_USER_SCHEMA,
  findSub,
} from "./scim-schema.js";

/** One PATCH operation: RFC 7644 §3.5.2 form, or the capitalised, path-less form Entra sends. */
export interface PatchOperation {
  readonly op: string;
  readonly path?: string | undefined;
  readonly value?: JsonValue | undefined;
}

interface Target {
  readonly ext: boolean;
  readonly def: AttributeDef;
  readonly filter: Filter | undefined;
  readonly sub: AttributeDef | undefined;
}

const PATH_PATTERN = /^([^.[\]]+)(?:\[(.*)\])?(?:\.([^.[\]]+))?$/s;

function resolvePath(path: string): Target {
  let ext = false;
  let rest = path.trim();
  const lower = rest.toLowerCase();
  if (lower.startsWith(`${ENTERPRISE_USER_SCHEMA.toLowerCase()}:`)) {
    ext = true;
    rest = rest.slice(ENTERPRISE_USER_SCHEMA.length + 1);
  } else if (lower.startsWith(`${CORE_USER_SCHEMA.toLowerCase()}:`)) {
    rest = rest.slice(CORE_USER_SCHEMA.length + 1);
  }
  const m = PATH_PATTERN.exec(rest);
  if (m === null) throw invalidPath(`Invalid attribute path "${path}".`);
  const [, name = "", filterText, subName] = m;
  const def = (ext ? ENTERPRISE_BY_NAME : CORE_BY_NAME).get(name.toLowerCase());
  if (def === undefined) throw invalidPath(`Unknown attribute "${name}" in path "${path}".`);
  const sub = subName === undefined ? undefined : findSub(def, subName);
  if (subName !== undefined && sub === undefined) throw invalidPath(`Unknown sub-attribute in path "${path}".`);
  if (filterText !== undefined && !def.multiValued) throw invalidPath(`"${def.name}" is not multi-valued.`);
  return { ext, def, filter: filterText === undefined ? undefined : parseFilter(filterText), sub };
}

function containerOf(resource: JsonObject, target: Target, create: boolean): JsonObject | undefined {
  if (!target.ext) return resource;
  const existing = resource[ENTERPRISE_USER_SCHEMA];
  if (isObject(existing)) return existing;
  if (!create) return undefined;
  const ext: JsonObject = {};
  resource[ENTERPRISE_USER_SCHEMA] = ext;
  return ext;
}

function setOrDelete(obj: JsonObject, key: string, value: JsonValue | undefined): void {
  if (value === undefined) delete obj[key];
  else obj[key] = value;
}

function applySet(resource: JsonObject, target: Target, value: JsonValue, add: boolean): void {
  const container = containerOf(resource, target, true) as JsonObject;
  const { def, sub, filter } = target;
  const current = container[def.name];
  if (!def.multiValued) {
    if (def.type !== "complex") {
      setOrDelete(container, def.name, normalizeValue(def, value, def.name));
      return;
    }
    const obj: JsonObject = isObject(current) ? current : {};
    const patch: JsonValue = sub === undefined ? value : { [sub.name]: value };
    if (!isObject(patch)) throw invalidValue(`Attribute "${def.name}" takes an object.`);
    for (const [k, v] of Object.entries(patch)) {
      const subDef = findSub(def, k);
      if (subDef === undefined) throw invalidPath(`Unknown sub-attribute "${def.name}.${k}".`);
      setOrDelete(obj, subDef.name, normalizeValue(subDef, v, `${def.name}.${subDef.name}`));
    }
    setOrDelete(container, def.name, Object.keys(obj).length === 0 ? undefined : obj);
    return;
  }
  const items: JsonObject[] = Array.isArray(current) ? current.filter(isObject) : [];
  if (filter === undefined && sub === undefined) {
    const normalized = normalizeValue(def, value, def.name);
    const list = Array.isArray(normalized) ? normalized : [];
    setOrDelete(container, def.name, add ? [...items, ...list] : list.length === 0 ? undefined : list);
    return;
  }
  const selected = filter === undefined ? items : items.filter((item) => matches(filter, item));
  const patch: JsonValue = sub === undefined ? value : { [sub.name]: value };
  if (!isObject(patch)) throw invalidValue(`Attribute "${def.name}" takes an object.`);
  if (selected.length === 0) {
    // Like Entra's targets expect: `emails[type eq "work"].value` on a user without a work e-mail adds one.
    const seed = filter === undefined ? {} : seedFromFilter(filter);
    if (seed === null) throw noTarget(`No value of "${def.name}" matches the filter.`);
    const created = normalizeValue(def, { ...seed, ...patch }, def.name);
    if (Array.isArray(created)) container[def.name] = [...items, ...created];
    return;
  }
  for (const item of selected) {
    for (const [k, v] of Object.entries(patch)) {
      const subDef = findSub(def, k);
      if (subDef === undefined) throw invalidPath(`Unknown sub-attribute "${def.name}.${k}".`);
      setOrDelete(item, subDef.name, normalizeValue(subDef, v, `${def.name}.${subDef.name}`));
    }
  }
}

function seedFromFilter(filter: Filter): JsonObject | null {
  if (filter.kind === "compare" && filter.op === "eq" && !filter.path.includes(".")) {
    return { [filter.path]: filter.value };
  }
  return null;
}

function applyRemove(resource: JsonObject, target: Target): void {
  const container = containerOf(resource, target, false);
  if (container === undefined) return;
  const { def, sub, filter } = target;
  const current = container[def.name];
  if (current === undefined) return;
  if (!def.multiValued) {
    if (sub === undefined || !isObject(current)) delete container[def.name];
    else {
      delete current[sub.name];
      if (Object.keys(current).length === 0) delete container[def.name];
    }
    return;
  }
  const items: JsonObject[] = Array.isArray(current) ? current.filter(isObject) : [];
  const selected = new Set(filter === undefined ? items : items.filter((item) => matches(filter, item)));
  const kept =
    sub === undefined
      ? items.filter((item) => !selected.has(item))
      : items.map((item) => {
          if (selected.has(item)) delete item[sub.name];
          return item;
        });
  setOrDelete(container, def.name, kept.length === 0 ? undefined : kept);
}

function applyOne(resource: JsonObject, op: string, path: string | undefined, value: JsonValue | undefined): void {
  if (op === "remove") {
    if (path === undefined) throw noTarget('A "remove" operation needs a path.');
    applyRemove(resource, resolvePath(path));
    return;
  }
  if (path === undefined) {
    if (!isObject(value)) throw invalidValue(`An "${op}" operation without a path takes an object value.`);
    for (const [key, v] of Object.entries(value)) {
      if (key.toLowerCase() === ENTERPRISE_USER_SCHEMA.toLowerCase()) {
        if (!isObject(v)) throw invalidValue(`"${ENTERPRISE_USER_SCHEMA}" must be an object.`);
        for (const [extKey, extValue] of Object.entries(v)) {
          applyOne(resource, op, `${ENTERPRISE_USER_SCHEMA}:${extKey}`, extValue);
        }
      } else if (key.toLowerCase() !== "schemas") {
        applyOne(resource, op, key, v);
      }
    }
    return;
  }
  if (path.trim().toLowerCase() === ENTERPRISE_USER_SCHEMA.toLowerCase()) {
    applyOne(resource, op, undefined, { [ENTERPRISE_USER_SCHEMA]: value ?? null });
    return;
  }
  const target = resolvePath(path);
  if (value === undefined || value === null) applyRemove(resource, target);
  else applySet(resource, target, value, op === "add");
}

/** Applies the operations to `resource` in place (the caller passes a copy). */
export function applyPatch(resource: JsonObject, operations: readonly PatchOperation[]): void {
  for (const operation of operations) {
    const op = operation.op.toLowerCase();
    if (op !== "add" && op !== "replace" && op !== "remove") throw invalidSyntax(`Unknown PATCH op "${operation.op}".`);
    applyOne(resource, op, operation.path, operation.value);
  }
  const ext = resource[ENTERPRISE_USER_SCHEMA];
  if (isObject(ext) && Object.keys(ext).length === 0) delete resource[ENTERPRISE_USER_SCHEMA];
}
