import type { ValidationProblem } from "../ports/provisioning-engine.js";
import type { TargetUser } from "../users.js";
import { type AttributeMap, DEFAULT_ATTRIBUTE_MAP, type MappedField } from "./attribute-map.js";
import { codePointLabel, findUnsafeCharacter, printable } from "./text-safety.js";

/**
 * Checks run on every user before any call to ABM; an invalid user is skipped with these problems
 * and never sent.
 *
 * Length limits: Apple publishes none for its SCIM endpoint, so these are conservative bounds that
 * catch bad data before a SCIM 400: userName and email 254 (RFC 5321 address limit; local part 64),
 * locale 35 (the practical BCP 47 maximum), every other text field 256.
 *
 * Verified domains: the userName's domain must equal one of them (case-insensitive, a trailing dot
 * ignored). Subdomains do NOT inherit verification: ABM treats every FQDN as its own domain
 * (`accounts.example.com` must be added and verified separately from `example.com`).
 *
 * Characters: no field may hold a control character or a lone UTF-16 surrogate (see
 * text-safety.ts). Such a user is skipped and escrowed like any invalid user, so one bad value
 * never fails the cycle for everybody; messages quote values with those characters made visible.
 */
export const FIELD_LIMITS: Readonly<Record<MappedField, number>> = {
  userName: 254,
  email: 254,
  givenName: 256,
  familyName: 256,
  locale: 35,
  employeeNumber: 256,
  department: 256,
  costCenter: 256,
  division: 256,
};

const LOCAL_PART_LIMIT = 64;

export interface ValidationOptions {
  /** domains verified in ABM; undefined, null or empty: no domain check */
  readonly verifiedDomains?: readonly string[] | null;
  /** the map in use, so fixes name the right Entra attribute */
  readonly map?: AttributeMap;
}

const LABELS: Readonly<Record<string, string>> = {
  userPrincipalName: "User principal name (Identity)",
  givenName: "First name (Identity)",
  surname: "Last name (Identity)",
  mail: "Email (Contact information)",
  preferredLanguage: "preferred language (Settings)",
  employeeId: "Employee ID (Job information)",
  department: "Department (Job information)",
  "employeeOrgData.costCenter": "Cost center (Job information → Employee org data)",
  "employeeOrgData.division": "Division (Job information → Employee org data)",
};

/** Where an admin fixes the value of `field`, in words. */
function fixFor(field: MappedField, map: AttributeMap, action: string): string {
  const rule = map.rules[field];
  if (rule.kind === "constant") return `Change the constant for ${field} in ABM_ATTRIBUTE_MAP.`;
  if (rule.kind === "omit") return `Map ${field} to an Entra attribute in ABM_ATTRIBUTE_MAP.`;
  const label = LABELS[rule.path] ?? `the attribute "${rule.path}"`;
  return `${action} the ${label} in Entra (Users → select the user → Edit properties), or map ${field} to another attribute with ABM_ATTRIBUTE_MAP.`;
}

const EMAIL_PATTERN = /^[^\s@"(),:;<>[\\\]]+@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/** true for a plausible e-mail address (one @, no spaces, a dotted domain with a letter TLD). */
export function isEmailAddress(value: string): boolean {
  if (!EMAIL_PATTERN.test(value)) return false;
  const local = value.slice(0, value.lastIndexOf("@"));
  return local.length <= LOCAL_PART_LIMIT && !local.startsWith(".") && !local.endsWith(".") && !local.includes("..");
}

function normalizeDomain(domain: string): string {
  return domain.trim().toLowerCase().replace(/^@/, "").replace(/\.$/, "");
}

function domainOf(userName: string): string {
  return normalizeDomain(userName.slice(userName.lastIndexOf("@") + 1));
}

function checkUserName(user: TargetUser, verified: ReadonlySet<string>, map: AttributeMap): ValidationProblem[] {
  const userName = user.userName;
  if (userName === "") {
    return [
      {
        code: "validation.missing_user_name",
        field: "userName",
        message: "The user has no value for userName.",
        fix: fixFor("userName", map, "Set"),
      },
    ];
  }
  if (userName.toUpperCase().includes("#EXT#")) {
    return [
      {
        code: "validation.guest_user",
        field: "userName",
        message: `"${printable(userName)}" is a guest (B2B) account; ABM can only hold accounts in your own verified domains.`,
        fix: "Remove guest users from the Apple Business Manager app's assignment, or scope the sync to assigned users.",
      },
    ];
  }
  if (!isEmailAddress(userName)) {
    return [
      {
        code: "validation.user_name_not_email",
        field: "userName",
        message: `userName "${printable(userName)}" is not an e-mail address; ABM needs the Managed Apple Account name in name@domain form.`,
        fix: fixFor("userName", map, "Correct"),
      },
    ];
  }
  const domain = domainOf(userName);
  if (verified.size > 0 && !verified.has(domain)) {
    const hint = domain.endsWith(".onmicrosoft.com") ? " (*.onmicrosoft.com domains cannot be verified in ABM)" : "";
    return [
      {
        code: "validation.domain_not_verified",
        field: "userName",
        message: `The domain "${printable(domain)}" of "${printable(userName)}" is not among the domains verified in ABM (${[...verified].join(", ")})${hint}.`,
        fix: `Give the user a User principal name in a verified domain, map userName to an attribute that has one (e.g. "mail") with ABM_ATTRIBUTE_MAP, or verify ${printable(domain)} in ABM (Preferences → Managed Apple Accounts) and add it to ABM_VERIFIED_DOMAINS.`,
      },
    ];
  }
  return [];
}

const LIMIT_ENTRIES = Object.entries(FIELD_LIMITS) as [MappedField, number][];

function checkCharacters(user: TargetUser, map: AttributeMap): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const [field] of LIMIT_ENTRIES) {
    const value = user[field];
    const bad = value === null ? null : findUnsafeCharacter(value);
    if (value === null || bad === null) continue;
    const what =
      bad.kind === "control"
        ? `the control character ${codePointLabel(bad.codePoint)}`
        : `a lone UTF-16 surrogate ${codePointLabel(bad.codePoint)} (a broken character)`;
    const shown = value.length <= FIELD_LIMITS[field] ? ` ("${printable(value)}")` : "";
    problems.push({
      code: "validation.invalid_characters",
      field,
      message: `${field} contains ${what} at position ${bad.index + 1}${shown}; it cannot be sent to ABM or stored.`,
      fix: fixFor(field, map, "Remove the invisible character (often pasted from another system) from"),
    });
  }
  return problems;
}

function checkLengths(user: TargetUser, map: AttributeMap): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  for (const [field, limit] of LIMIT_ENTRIES) {
    const value = user[field];
    if (value !== null && value.length > limit) {
      problems.push({
        code: "validation.too_long",
        field,
        message: `${field} is ${value.length} characters long; the limit is ${limit}.`,
        fix: fixFor(field, map, "Shorten"),
      });
    }
  }
  return problems;
}

/** Every problem of one user, in a stable order (characters, userName, names, email, lengths). */
export function validateTarget(user: TargetUser, options: ValidationOptions = {}): ValidationProblem[] {
  return createValidator(options)(user);
}

/** A validator with the options prepared once (for many users). */
function createValidator(options: ValidationOptions = {}): (user: TargetUser) => ValidationProblem[] {
  const map = options.map ?? DEFAULT_ATTRIBUTE_MAP;
  const verified = new Set((options.verifiedDomains ?? []).map(normalizeDomain).filter((d) => d !== ""));
  return (user) => problemsOf(user, verified, map);
}

function problemsOf(user: TargetUser, verified: ReadonlySet<string>, map: AttributeMap): ValidationProblem[] {
  const problems = [...checkCharacters(user, map), ...checkUserName(user, verified, map)];
  if (user.givenName === null) {
    problems.push({
      code: "validation.missing_given_name",
      field: "givenName",
      message: "The user has no first name (givenName); ABM requires one.",
      fix: fixFor("givenName", map, "Set"),
    });
  }
  if (user.familyName === null) {
    problems.push({
      code: "validation.missing_family_name",
      field: "familyName",
      message: "The user has no last name (familyName); ABM requires one.",
      fix: fixFor("familyName", map, "Set"),
    });
  }
  if (user.email !== null && !isEmailAddress(user.email)) {
    problems.push({
      code: "validation.invalid_email",
      field: "email",
      message: `The e-mail address "${printable(user.email)}" is not valid.`,
      fix: fixFor("email", map, "Correct"),
    });
  }
  return [...problems, ...checkLengths(user, map)];
}

export interface UserToValidate {
  readonly entraId: string;
  readonly target: TargetUser;
}

/**
 * Two or more users that map to one userName (case-insensitive): each is flagged, naming the others.
 * Users without a userName are left to `validateTarget`.
 */
function findDuplicateUserNames(users: readonly UserToValidate[]): Map<string, ValidationProblem> {
  const byName = new Map<string, string[]>();
  for (const { entraId, target } of users) {
    if (target.userName === "") continue;
    const key = target.userName.toLowerCase();
    const ids = byName.get(key);
    if (ids === undefined) byName.set(key, [entraId]);
    else ids.push(entraId);
  }
  const flagged = new Map<string, ValidationProblem>();
  for (const [userName, ids] of byName) {
    if (ids.length < 2) continue;
    for (const id of ids)
      flagged.set(
        id,
        duplicateUserName(
          userName,
          ids.filter((other) => other !== id),
        ),
      );
  }
  return flagged;
}

/**
 * The problem of a user whose userName (case-insensitive) other Entra users map to as well. When a
 * full cycle read the other one in an earlier slice (`earlier`), that one may already be in ABM.
 */
export function duplicateUserName(userName: string, others: readonly string[], earlier = false): ValidationProblem {
  const outcome = earlier
    ? ", read earlier in this cycle; ABM allows one account per userName, so this user is not sent"
    : "; ABM allows one account per userName, so neither is sent";
  return {
    code: "validation.duplicate_user_name",
    field: "userName",
    message: `userName "${printable(userName)}" is also the userName of Entra user ${others.join(", ")}${outcome}.`,
    fix: "Give each user a unique User principal name in Entra, or map userName to a unique attribute with ABM_ATTRIBUTE_MAP.",
  };
}

/** Problems for each user (entraId → problems; valid users have an empty list). */
export function validateUsers(
  users: readonly UserToValidate[],
  options: ValidationOptions = {},
): Map<string, ValidationProblem[]> {
  const duplicates = findDuplicateUserNames(users);
  const validate = createValidator(options);
  const result = new Map<string, ValidationProblem[]>();
  for (const { entraId, target } of users) {
    const problems = validate(target);
    const duplicate = duplicates.get(entraId);
    if (duplicate !== undefined) problems.unshift(duplicate);
    result.set(entraId, problems);
  }
  return result;
}
