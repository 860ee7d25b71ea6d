import { hash } from "node:crypto";
import {
  type SourceUser,
  type SourceValue,
  TARGET_FIELDS,
  type TargetChanges,
  type TargetField,
  type TargetUser,
} from "../users.js";
import { ACCOUNT_ENABLED_PATH, type AttributeMap, type FieldRule } from "./attribute-map.js";

export interface MapOptions {
  /** the user is soft- or hard-deleted in Entra (it then maps to active = false) */
  readonly deleted?: boolean;
}

/** Strings are trimmed; empty strings count as missing; booleans become "true"/"false". */
function text(value: SourceValue | undefined): string | null {
  if (value === undefined || value === null) return null;
  const s = typeof value === "string" ? value.trim() : String(value);
  return s === "" ? null : s;
}

function resolve(rule: FieldRule, user: SourceUser): string | null {
  switch (rule.kind) {
    case "omit":
      return null;
    case "constant":
      return rule.value;
    case "source":
      return text(rule.path === "id" ? (user.attributes.id ?? user.id) : user.attributes[rule.path]) ?? rule.fallback;
  }
}

/**
 * accountEnabled false (or "false") disables; a missing value counts as enabled so that a source
 * that did not return the property never deactivates anybody by accident (the sync always selects it).
 */
export function isEnabled(user: SourceUser): boolean {
  const value = user.attributes[ACCOUNT_ENABLED_PATH];
  if (value === false) return false;
  if (typeof value === "string" && value.trim().toLowerCase() === "false") return false;
  return true;
}

/** Entra user → the ABM user it should be. A missing userName maps to "" (validation flags it). */
export function mapUser(user: SourceUser, map: AttributeMap, options: MapOptions = {}): TargetUser {
  const { rules } = map;
  return {
    userName: resolve(rules.userName, user) ?? "",
    externalId: user.id,
    active: isEnabled(user) && options.deleted !== true,
    givenName: resolve(rules.givenName, user),
    familyName: resolve(rules.familyName, user),
    email: resolve(rules.email, user),
    locale: resolve(rules.locale, user),
    employeeNumber: resolve(rules.employeeNumber, user),
    costCenter: resolve(rules.costCenter, user),
    division: resolve(rules.division, user),
    department: resolve(rules.department, user),
  };
}

const SORTED_FIELDS = [...TARGET_FIELDS].sort();

/**
 * Stable SHA-256 (hex) of every field ABM stores, keys sorted, so the same user always hashes the
 * same whatever order its properties were built in. Stored in the link as "last pushed".
 */
export function attributeHash(target: TargetUser): string {
  const canonical: Record<string, string | boolean | null> = {};
  for (const field of SORTED_FIELDS) canonical[field] = target[field];
  return hash("sha256", JSON.stringify(canonical), "hex");
}

/** A short derived hash for states that have no full TargetUser (e.g. "deactivated after <hash>"). */
export function derivedHash(...parts: readonly string[]): string {
  return hash("sha256", parts.join("\u0000"), "hex");
}

function copyField<K extends TargetField>(to: TargetChanges, from: TargetUser, field: K): void {
  to[field] = from[field];
}

/** Fields whose desired value differs from the current one (null in desired = remove). */
export function diffTargets(desired: TargetUser, current: TargetUser): TargetChanges {
  const changes: TargetChanges = {};
  for (const field of TARGET_FIELDS) {
    if (desired[field] !== current[field]) copyField(changes, desired, field);
  }
  return changes;
}

/** Every field, for a PATCH when nothing is known about the current state. */
export function allFields(target: TargetUser): TargetChanges {
  const changes: TargetChanges = {};
  for (const field of TARGET_FIELDS) copyField(changes, target, field);
  return changes;
}

/** The fields named in a change set, in canonical order. */
export function changedFields(changes: TargetChanges): TargetField[] {
  return TARGET_FIELDS.filter((field) => field in changes);
}

/** The canonical fields of a SCIM user (drops the server's id and version). */
export function toTargetUser<T extends TargetUser>(user: T): TargetUser {
  return {
    userName: user.userName,
    externalId: user.externalId,
    active: user.active,
    givenName: user.givenName,
    familyName: user.familyName,
    email: user.email,
    locale: user.locale,
    employeeNumber: user.employeeNumber,
    costCenter: user.costCenter,
    division: user.division,
    department: user.department,
  };
}
