import { randomUUID } from "node:crypto";
import { type Filter, matches } from "./filter.js";
import { isObject, type JsonObject } from "./json.js";
import { normalizeUser } from "./normalize.js";
import { applyPatch, type PatchOperation } from "./patch.js";
import { invalidValue, ScimHttpError } from "./scim-error.js";
import { CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA } from "./scim-schema.js";

export interface UserStoreOptions {
  readonly verifiedDomains: readonly string[] | undefined;
  readonly baseUrl: () => string;
  readonly now: () => Date;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * SCIM users with ABM's rules. Users are stored rendered (the exact JSON served), indexed by
 * id, lower-cased userName and externalId, so every lookup the sync makes is O(1).
 */
export function createUserStore(options: UserStoreOptions) {
  const byId = new Map<string, JsonObject>();
  const byUserName = new Map<string, string>();
  const byExternalId = new Map<string, Set<string>>();
  const conflicts = new Set<string>();
  const domains = options.verifiedDomains?.map((d) => d.toLowerCase());
  let ordered: JsonObject[] | null = null;

  function validate(attrs: JsonObject, selfId: string | undefined): void {
    const userName = attrs.userName;
    if (typeof userName !== "string" || userName.trim() === "") throw invalidValue("userName is required.");
    if (!EMAIL.test(userName)) throw invalidValue(`userName "${userName}" must be an e-mail address.`);
    const domain = userName.slice(userName.lastIndexOf("@") + 1).toLowerCase();
    if (domains !== undefined && !domains.includes(domain)) {
      throw invalidValue(`The domain "${domain}" of userName is not a verified domain of this organization.`);
    }
    const name = attrs.name;
    const given = isObject(name) ? name.givenName : undefined;
    const family = isObject(name) ? name.familyName : undefined;
    if (typeof given !== "string" || given.trim() === "") throw invalidValue("name.givenName is required.");
    if (typeof family !== "string" || family.trim() === "") throw invalidValue("name.familyName is required.");
    const key = userName.toLowerCase();
    if (conflicts.has(key)) {
      throw new ScimHttpError(409, `userName "${userName}" is already used by a personal Apple Account.`, "uniqueness");
    }
    const owner = byUserName.get(key);
    if (owner !== undefined && owner !== selfId) {
      throw new ScimHttpError(409, `userName "${userName}" is already in use.`, "uniqueness");
    }
  }

  function render(id: string, attrs: JsonObject, created: string, version: number): JsonObject {
    const now = options.now().toISOString();
    const schemas = ENTERPRISE_USER_SCHEMA in attrs ? [CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA] : [CORE_USER_SCHEMA];
    return {
      schemas,
      id,
      ...attrs,
      meta: {
        resourceType: "User",
        created,
        lastModified: now,
        version: `W/"${version}"`,
        location: `${options.baseUrl()}/Users/${id}`,
      },
    };
  }

  function index(resource: JsonObject): void {
    const id = resource.id as string;
    byId.set(id, resource);
    byUserName.set(String(resource.userName).toLowerCase(), id);
    const externalId = resource.externalId;
    if (typeof externalId === "string") {
      const set = byExternalId.get(externalId) ?? new Set<string>();
      set.add(id);
      byExternalId.set(externalId, set);
    }
  }

  function unindex(resource: JsonObject): void {
    const id = resource.id as string;
    byId.delete(id);
    byUserName.delete(String(resource.userName).toLowerCase());
    const externalId = resource.externalId;
    if (typeof externalId === "string") {
      const set = byExternalId.get(externalId);
      set?.delete(id);
      if (set?.size === 0) byExternalId.delete(externalId);
    }
  }

  function attributesOf(resource: JsonObject): JsonObject {
    const { schemas: _s, id: _i, meta: _m, ...attrs } = resource;
    return attrs;
  }

  function metaOf(resource: JsonObject): { created: string; version: number } {
    const meta = resource.meta as JsonObject;
    return { created: String(meta.created), version: Number(/\d+/.exec(String(meta.version))?.[0] ?? 0) };
  }

  function mustGet(id: string): JsonObject {
    const found = byId.get(id);
    if (found === undefined) throw new ScimHttpError(404, `User ${id} not found.`);
    return found;
  }

  /** Replaces `existing` with `attrs` as its next version (same id and creation time). */
  function storeNextVersion(existing: JsonObject, id: string, attrs: JsonObject): JsonObject {
    const { created, version } = metaOf(existing);
    const resource = render(id, attrs, created, version + 1);
    unindex(existing);
    index(resource);
    ordered = null;
    return resource;
  }

  /** Candidates for a filter through the indexes; null means "scan everything". */
  function candidates(filter: Filter): JsonObject[] | null {
    if (filter.kind === "compare" && filter.op === "eq" && typeof filter.value === "string") {
      const path = filter.path.toLowerCase().replace(`${CORE_USER_SCHEMA.toLowerCase()}:`, "");
      if (path === "username") {
        const id = byUserName.get(filter.value.toLowerCase());
        return id === undefined ? [] : [byId.get(id) as JsonObject];
      }
      if (path === "externalid") {
        return [...(byExternalId.get(filter.value) ?? [])].map((id) => byId.get(id) as JsonObject);
      }
      if (path === "id") {
        const found = byId.get(filter.value);
        return found === undefined ? [] : [found];
      }
    }
    if (filter.kind === "and") return candidates(filter.left) ?? candidates(filter.right);
    if (filter.kind === "or") {
      const left = candidates(filter.left);
      const right = left === null ? null : candidates(filter.right);
      return left === null || right === null ? null : [...new Set([...left, ...right])];
    }
    return null;
  }

  return {
    create(input: JsonObject): JsonObject {
      const attrs = normalizeUser(input);
      attrs.active ??= true; // ABM users are active unless told otherwise
      validate(attrs, undefined);
      const resource = render(randomUUID(), attrs, options.now().toISOString(), 1);
      index(resource);
      ordered = null;
      return resource;
    },
    replace(id: string, input: JsonObject): JsonObject {
      const existing = mustGet(id);
      const attrs = normalizeUser(input);
      validate(attrs, id);
      return storeNextVersion(existing, id, attrs);
    },
    /** Returns the new resource, or null when the operations changed nothing. */
    patch(id: string, operations: readonly PatchOperation[]): JsonObject | null {
      const existing = mustGet(id);
      const before = attributesOf(existing);
      const attrs = structuredClone(before);
      applyPatch(attrs, operations);
      if (JSON.stringify(attrs) === JSON.stringify(before)) return null;
      validate(attrs, id);
      return storeNextVersion(existing, id, attrs);
    },
    delete(id: string): void {
      unindex(mustGet(id));
      ordered = null;
    },
    get: mustGet,
    query(filter: Filter | undefined): readonly JsonObject[] {
      if (filter === undefined) {
        ordered ??= [...byId.values()];
        return ordered;
      }
      return (candidates(filter) ?? [...byId.values()]).filter((r) => matches(filter, r));
    },
    all: (): JsonObject[] => [...byId.values()],
    size: (): number => byId.size,
    addConflicts(userNames: readonly string[]): void {
      for (const u of userNames) conflicts.add(u.toLowerCase());
    },
    clear(): void {
      byId.clear();
      byUserName.clear();
      byExternalId.clear();
      conflicts.clear();
      ordered = null;
    },
  };
}

export type UserStore = ReturnType<typeof createUserStore>;
