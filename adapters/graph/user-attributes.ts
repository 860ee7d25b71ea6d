import type { SourceUser, SourceValue } from "#core/users.js";

/**
 * The mapping names flattened paths (`employeeOrgData.costCenter`); Graph's `$select` takes the
 * top-level properties (`employeeOrgData`). `id` is always selected.
 */
export function topLevelSelect(paths: readonly string[]): string[] {
  const names = new Set<string>(["id"]);
  for (const path of paths) {
    const head = path.split(".")[0]?.trim();
    if (head !== undefined && head !== "") names.add(head);
  }
  return [...names];
}

function toSourceValue(value: unknown): SourceValue {
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return String(value);
  // multi-valued properties (businessPhones, otherMails): the first value, as Entra's mapping does
  if (Array.isArray(value)) return toSourceValue(value[0] ?? null);
  return null;
}

function readPath(object: Readonly<Record<string, unknown>>, path: string): unknown {
  let current: unknown = object;
  for (const segment of path.split(".")) {
    if (current === null || typeof current !== "object" || Array.isArray(current)) return null;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** A Graph user object → SourceUser with exactly the requested flattened attributes. */
export function toSourceUser(
  raw: Readonly<Record<string, unknown>> & { id: string },
  paths: readonly string[],
): SourceUser {
  const attributes: Record<string, SourceValue> = {};
  for (const path of paths) attributes[path] = toSourceValue(readPath(raw, path));
  return { id: raw.id, attributes };
}

/** true when every selected top-level property is present (incremental deltas may omit unchanged ones) */
export function hasAllSelected(raw: Readonly<Record<string, unknown>>, select: readonly string[]): boolean {
  return select.every((name) => name in raw);
}
