import type { AppleUser, AppleUserStatus } from "../ports/apple-directory.js";
import type { TargetUser } from "../users.js";

/** An Entra user as reconcile sees it: who they are, whether the sync should carry them, and what ABM should hold. */
export interface EntraPerson {
  readonly id: string;
  readonly userPrincipalName: string | null;
  readonly mail: string | null;
  readonly enabled: boolean;
  /** in the sync's scope (`all`, or assigned to the ABM app directly or through a direct group member) */
  readonly inScope: boolean;
  /** the ABM user the attribute map makes of them */
  readonly target: TargetUser;
}

export const MISMATCH_KINDS = ["missing_in_apple", "orphan", "blocked_in_apple", "admin_skipped", "drift"] as const;
export type MismatchKind = (typeof MISMATCH_KINDS)[number];

export interface Mismatch {
  readonly kind: MismatchKind;
  /** the account both sides are joined on (lower-cased) */
  readonly account: string;
  readonly entraId: string | null;
  readonly appleId: string | null;
  readonly appleStatus: AppleUserStatus | null;
  /** why, in words an admin understands */
  readonly detail: string;
}

export interface ReconcileReport {
  readonly checkedAt: Date;
  /** false: no sync cycle has completed yet, so users missing in Apple are not judged */
  readonly cycleCompleted: boolean;
  readonly entraInScope: number;
  readonly appleUsers: number;
  /** Apple users joined to an Entra user */
  readonly matched: number;
  readonly counts: Readonly<Record<MismatchKind, number>>;
  /** by kind (in MISMATCH_KINDS order), then account */
  readonly mismatches: readonly Mismatch[];
}

export interface ReconcileInput {
  readonly entra: readonly EntraPerson[];
  readonly apple: readonly AppleUser[];
  readonly cycleCompleted: boolean;
  readonly now: Date;
}

/** Statuses in which the Apple account can sign in (or is about to). */
const USABLE: ReadonlySet<AppleUserStatus> = new Set(["NEW", "RELEASED", "ACTIVE"]);
/**
 * Apple's directory sync leaves accounts with a privileged role alone (it neither updates nor
 * deactivates them): the sync "skips" an administrator whose account collides with an Entra user.
 */
const PRIVILEGED_ROLE = /administrator|manager/i;

const DRIFT_FIELDS = [
  ["givenName", "firstName", "first name"],
  ["familyName", "lastName", "last name"],
  ["email", "email", "e-mail"],
  ["employeeNumber", "employeeNumber", "employee number"],
  ["department", "department", "department"],
  ["costCenter", "costCenter", "cost center"],
  ["division", "division", "division"],
] as const satisfies readonly (readonly [keyof TargetUser, keyof AppleUser, string])[];

function lower(value: string | null | undefined): string | null {
  const trimmed = value?.trim().toLowerCase() ?? "";
  return trimmed === "" ? null : trimmed;
}

function clean(value: string | null): string {
  return value?.trim() ?? "";
}

/** The keys an Entra user is known by in ABM: the synced userName and e-mail, the UPN and mail. */
function entraKeys(person: EntraPerson): string[] {
  const keys = [person.target.userName, person.target.email, person.userPrincipalName, person.mail].map(lower);
  return [...new Set(keys.filter((key): key is string => key !== null))];
}

function appleKeys(user: AppleUser): string[] {
  const keys = [user.managedAppleAccount, user.email].map(lower);
  return [...new Set(keys.filter((key): key is string => key !== null))];
}

function quoted(value: string | null): string {
  return value === null || value.trim() === "" ? "(empty)" : `"${value.trim()}"`;
}

/**
 * Entra (in scope) against the Apple organization's own users, joined on lower-cased UPN / mail /
 * mapped userName against managedAppleAccount / email. Pure: reads nothing and changes nothing.
 */
export function reconcile(input: ReconcileInput): ReconcileReport {
  const byKey = new Map<string, EntraPerson>();
  for (const person of input.entra) for (const key of entraKeys(person)) if (!byKey.has(key)) byKey.set(key, person);
  const matchedEntra = new Set<string>();
  const mismatches: Mismatch[] = [];
  let matched = 0;

  for (const user of input.apple) {
    const keys = appleKeys(user);
    const account = keys[0] ?? user.id;
    const person = keys.map((key) => byKey.get(key)).find((found) => found !== undefined);
    const base = { account, appleId: user.id, appleStatus: user.status };
    if (person === undefined) {
      if (USABLE.has(user.status))
        mismatches.push({
          ...base,
          kind: "orphan",
          entraId: null,
          detail: `${user.status} in Apple, no Entra user has this account (deleted in Entra, or made by hand in ABM)`,
        });
      continue;
    }
    matched += 1;
    matchedEntra.add(person.id);
    const wanted = person.enabled && person.inScope;
    const withEntra = { ...base, entraId: person.id };
    const privileged = user.roles.find((role) => PRIVILEGED_ROLE.test(role));
    if (privileged !== undefined && wanted) {
      mismatches.push({
        ...withEntra,
        kind: "admin_skipped",
        detail: `has the ${privileged} role in ABM: the sync neither updates nor deactivates it, though it is in scope in Entra`,
      });
      continue;
    }
    if (!wanted) {
      if (USABLE.has(user.status))
        mismatches.push({
          ...withEntra,
          kind: "orphan",
          detail: `${user.status} in Apple but ${person.enabled ? "out of the sync's scope" : "disabled"} in Entra (deprovisioning did not happen)`,
        });
      continue;
    }
    if (!USABLE.has(user.status)) {
      mismatches.push({
        ...withEntra,
        kind: "blocked_in_apple",
        detail: `${user.status} in Apple while active and in scope in Entra`,
      });
      continue;
    }
    const drift = DRIFT_FIELDS.filter(([entraField, appleField]) => {
      const want = person.target[entraField];
      const have = user[appleField];
      if (typeof want !== "string" || clean(want) === "") return false;
      const [a, b] = [clean(want), clean(typeof have === "string" ? have : null)];
      // e-mail addresses compare without case, like the join
      return entraField === "email" ? a.toLowerCase() !== b.toLowerCase() : a !== b;
    }).map(([entraField, appleField, words]) => {
      const want = person.target[entraField];
      const have = user[appleField];
      return `${words}: Entra ${quoted(typeof want === "string" ? want : null)}, Apple ${quoted(typeof have === "string" ? have : null)}`;
    });
    if (drift.length > 0) mismatches.push({ ...withEntra, kind: "drift", detail: drift.join("; ") });
  }

  const inScope = input.entra.filter((person) => person.enabled && person.inScope);
  if (input.cycleCompleted) {
    for (const person of inScope) {
      if (matchedEntra.has(person.id)) continue;
      mismatches.push({
        kind: "missing_in_apple",
        account: entraKeys(person)[0] ?? person.id,
        entraId: person.id,
        appleId: null,
        appleStatus: null,
        detail: "in scope and enabled in Entra, no Apple account after a completed cycle (see `check` and `errors`)",
      });
    }
  }

  const order = (kind: MismatchKind): number => MISMATCH_KINDS.indexOf(kind);
  mismatches.sort((a, b) => order(a.kind) - order(b.kind) || a.account.localeCompare(b.account));
  const counts = Object.fromEntries(
    MISMATCH_KINDS.map((kind) => [kind, mismatches.filter((m) => m.kind === kind).length]),
  ) as Record<MismatchKind, number>;
  return {
    checkedAt: input.now,
    cycleCompleted: input.cycleCompleted,
    entraInScope: inScope.length,
    appleUsers: input.apple.length,
    matched,
    counts,
    mismatches,
  };
}
