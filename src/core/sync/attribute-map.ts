import { z } from "zod";
import { AppError } from "../errors.js";
import { err, ok, type Result } from "../result.js";
import type { TargetField } from "../users.js";

/**
 * Which Entra attribute feeds which ABM field.
 *
 * The defaults equal the attribute mappings of Entra's "Apple Business Manager" gallery app.
 * `externalId` (always the Entra object id) and `active` (accountEnabled and not deleted) are not
 * part of the map: matching and deactivation depend on them, so they cannot be remapped.
 */
export const MAPPED_FIELDS = [
  "userName",
  "givenName",
  "familyName",
  "email",
  "locale",
  "employeeNumber",
  "department",
  "costCenter",
  "division",
] as const satisfies readonly TargetField[];

export type MappedField = (typeof MAPPED_FIELDS)[number];

export type FieldRule =
  /** read a flattened Graph path; when it is empty use `fallback` (null: send nothing) */
  | { readonly kind: "source"; readonly path: string; readonly fallback: string | null }
  /** the same value for every user */
  | { readonly kind: "constant"; readonly value: string }
  /** never sent (the field is left empty in ABM) */
  | { readonly kind: "omit" };

export interface AttributeMap {
  readonly rules: Readonly<Record<MappedField, FieldRule>>;
}

/** The Graph property that decides `active` (with the deletion state). */
export const ACCOUNT_ENABLED_PATH = "accountEnabled";

const source = (path: string): FieldRule => ({ kind: "source", path, fallback: null });

export const DEFAULT_ATTRIBUTE_MAP: AttributeMap = {
  rules: {
    userName: source("userPrincipalName"),
    givenName: source("givenName"),
    familyName: source("surname"),
    email: source("mail"),
    locale: source("preferredLanguage"),
    employeeNumber: source("employeeId"),
    department: source("department"),
    costCenter: source("employeeOrgData.costCenter"),
    division: source("employeeOrgData.division"),
  },
};

/** A flattened Graph path: up to three identifier segments (`onPremisesExtensionAttributes.extensionAttribute1`). */
const PATH_PATTERN = /^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*){0,2}$/;
const MAX_PATH_LENGTH = 200;
const MAX_CONSTANT_LENGTH = 256;

const pathSchema = z
  .string()
  .max(MAX_PATH_LENGTH, `a source path is at most ${MAX_PATH_LENGTH} characters`)
  .regex(
    PATH_PATTERN,
    'not a Graph attribute path; use a property name such as "mail" or "employeeOrgData.costCenter"',
  );
const fallbackSchema = z.string().min(1, "a default must not be empty").max(MAX_CONSTANT_LENGTH);
const constantSchema = z.string().min(1, "a constant must not be empty").max(MAX_CONSTANT_LENGTH);

const sourceObject = z.object({ source: pathSchema, default: fallbackSchema.optional() }).strict();
const constantObject = z.object({ constant: constantSchema }).strict();

/** userName must come from a per-user attribute: no removal, no constant, no default. */
const userNameSpec = z.union([pathSchema, z.object({ source: pathSchema }).strict()], {
  error: 'userName needs a source attribute, e.g. "mail" or { "source": "mail" }',
});
/** ABM requires both names: they can be remapped or given a default, not removed or made constant. */
const requiredNameSpec = z.union([pathSchema, sourceObject], {
  error: 'expected a source attribute ("surname") or { "source": "...", "default": "..." }; ABM requires this field',
});
const optionalSpec = z.union([pathSchema, z.null(), sourceObject, constantObject], {
  error: 'expected a source attribute ("department"), null (do not send), { "source", "default" } or { "constant" }',
});

const forbidden = (why: string) => z.never({ error: why }).optional();

const attributeMapDocumentSchema = z
  .object({
    userName: userNameSpec.optional(),
    givenName: requiredNameSpec.optional(),
    familyName: requiredNameSpec.optional(),
    email: optionalSpec.optional(),
    locale: optionalSpec.optional(),
    employeeNumber: optionalSpec.optional(),
    department: optionalSpec.optional(),
    costCenter: optionalSpec.optional(),
    division: optionalSpec.optional(),
    externalId: forbidden(
      "externalId is always the Entra object id: ABM users are matched by it, so remapping it would create duplicates",
    ),
    active: forbidden(
      "active always follows accountEnabled and deletion in Entra; to keep users out of ABM change the app's scope instead",
    ),
  })
  .strict();

type FieldSpec = string | null | { source: string; default?: string | undefined } | { constant: string };

function toRule(spec: FieldSpec): FieldRule {
  if (spec === null) return { kind: "omit" };
  if (typeof spec === "string") return { kind: "source", path: spec, fallback: null };
  if ("constant" in spec) return { kind: "constant", value: spec.constant };
  return { kind: "source", path: spec.source, fallback: spec.default ?? null };
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const where = issue.path.length === 0 ? "the document" : `"${issue.path.map(String).join(".")}"`;
  if (issue.code === "unrecognized_keys") {
    const atRoot = issue.path.length === 0;
    const keys = issue.keys.map((k) => `"${k}"`).join(", ");
    return atRoot
      ? `unknown target field ${keys}; known fields: ${MAPPED_FIELDS.join(", ")}`
      : `${where}: unknown key ${keys}`;
  }
  if (issue.code === "invalid_type" && issue.path.length === 0) {
    return 'the document must be a JSON object such as { "familyName": "extensionAttribute1" }';
  }
  return `${where}: ${issue.message}`;
}

/**
 * Validates the content of the `ABM_ATTRIBUTE_MAP` file (already JSON-parsed by the caller) and
 * merges it over the defaults. Every problem is listed in one error (`config.attribute_map_invalid`).
 */
export function parseAttributeMap(json: unknown): Result<AttributeMap, AppError> {
  const parsed = attributeMapDocumentSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(describeIssue);
    return err(
      new AppError(
        "config.attribute_map_invalid",
        `ABM_ATTRIBUTE_MAP is not a valid attribute map: ${problems.join("; ")}`,
        { retryable: false, context: { problems: problems.length, details: problems.join("; ") } },
      ),
    );
  }
  const rules: Record<MappedField, FieldRule> = { ...DEFAULT_ATTRIBUTE_MAP.rules };
  for (const field of MAPPED_FIELDS) {
    const spec = parsed.data[field];
    if (spec !== undefined) rules[field] = toRule(spec);
  }
  return ok({ rules });
}

/**
 * Graph `$select` for this map: the top-level property of every source path plus what the sync
 * always needs (`id`, `accountEnabled`). Sorted, without duplicates.
 */
export function selectFor(map: AttributeMap): string[] {
  const names = new Set<string>(["id", ACCOUNT_ENABLED_PATH]);
  for (const field of MAPPED_FIELDS) {
    const rule = map.rules[field];
    if (rule.kind === "source") names.add(rule.path.split(".")[0] ?? rule.path);
  }
  return [...names].sort();
}
