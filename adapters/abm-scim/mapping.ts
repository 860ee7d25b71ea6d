import type { ScimUser, TargetChanges, TargetField, TargetUser } from "#core/users.js";
import { CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA, PATCH_OP_SCHEMA, type ScimUserWire } from "./scim-wire.js";

/** Canonical fields ↔ SCIM attributes (core User + enterprise extension). */
type EnterpriseField = "employeeNumber" | "costCenter" | "division" | "department";
const ENTERPRISE_FIELDS: readonly EnterpriseField[] = ["employeeNumber", "costCenter", "division", "department"];

type JsonBody = Record<string, unknown>;

function workEmails(email: string): JsonBody[] {
  return [{ value: email, type: "work", primary: true }];
}

/** The POST /Users body: only attributes with a value are sent. */
export function toScimResource(user: TargetUser): JsonBody {
  const enterprise: JsonBody = {};
  for (const field of ENTERPRISE_FIELDS) {
    const value = user[field];
    if (value !== null) enterprise[field] = value;
  }
  const hasEnterprise = Object.keys(enterprise).length > 0;
  const body: JsonBody = {
    schemas: hasEnterprise ? [CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA] : [CORE_USER_SCHEMA],
    userName: user.userName,
    active: user.active,
  };
  if (user.externalId !== null) body.externalId = user.externalId;
  const name: JsonBody = {};
  if (user.givenName !== null) name.givenName = user.givenName;
  if (user.familyName !== null) name.familyName = user.familyName;
  if (Object.keys(name).length > 0) body.name = name;
  if (user.email !== null) body.emails = workEmails(user.email);
  if (user.locale !== null) body.locale = user.locale;
  if (hasEnterprise) body[ENTERPRISE_USER_SCHEMA] = enterprise;
  return body;
}

function pickEmail(emails: ScimUserWire["emails"]): string | null {
  if (emails === null || emails === undefined) return null;
  const withValue = emails.filter((e) => typeof e.value === "string" && e.value !== "");
  const chosen =
    withValue.find((e) => e.type?.toLowerCase() === "work") ??
    withValue.find((e) => e.primary === true) ??
    withValue[0];
  return chosen?.value ?? null;
}

export function fromScimResource(wire: ScimUserWire): ScimUser {
  const ext = wire[ENTERPRISE_USER_SCHEMA];
  return {
    id: wire.id,
    userName: wire.userName,
    externalId: wire.externalId ?? null,
    // RFC 7643 leaves `active` optional; servers that omit it treat the user as active
    active: wire.active ?? true,
    givenName: wire.name?.givenName ?? null,
    familyName: wire.name?.familyName ?? null,
    email: pickEmail(wire.emails),
    locale: wire.locale ?? null,
    employeeNumber: ext?.employeeNumber ?? null,
    costCenter: ext?.costCenter ?? null,
    division: ext?.division ?? null,
    department: ext?.department ?? null,
    version: wire.meta?.version ?? null,
    lastModified: wire.meta?.lastModified ?? null,
  };
}

const PATHS: Readonly<Record<TargetField, string>> = {
  userName: "userName",
  externalId: "externalId",
  active: "active",
  givenName: "name.givenName",
  familyName: "name.familyName",
  // the whole multi-valued attribute: a `emails[type eq "work"].value` replace fails with
  // noTarget on RFC servers when the user has no work e-mail yet (RFC 7644 §3.5.2.3)
  email: "emails",
  locale: "locale",
  employeeNumber: `${ENTERPRISE_USER_SCHEMA}:employeeNumber`,
  costCenter: `${ENTERPRISE_USER_SCHEMA}:costCenter`,
  division: `${ENTERPRISE_USER_SCHEMA}:division`,
  department: `${ENTERPRISE_USER_SCHEMA}:department`,
};

export interface PatchOperation {
  readonly op: "replace" | "remove";
  readonly path: string;
  readonly value?: unknown;
}

/** RFC 7644 §3.5.2 operations for exactly the changed fields: a value replaces, null removes. */
export function toPatchOperations(changes: TargetChanges): PatchOperation[] {
  const ops: PatchOperation[] = [];
  for (const field of Object.keys(PATHS) as TargetField[]) {
    if (!(field in changes)) continue;
    const value = changes[field];
    if (value === undefined) continue;
    const path = PATHS[field];
    if (value === null) ops.push({ op: "remove", path });
    else if (field === "email") ops.push({ op: "replace", path, value: workEmails(String(value)) });
    else ops.push({ op: "replace", path, value });
  }
  return ops;
}

export function toPatchBody(ops: readonly PatchOperation[]): JsonBody {
  return { schemas: [PATCH_OP_SCHEMA], Operations: ops };
}
