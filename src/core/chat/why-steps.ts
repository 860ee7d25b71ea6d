import type { GroupRef } from "../ports/directory-source.js";
import type { OperationFacts, UserFacts } from "../ports/provisioning-engine.js";
import { code, formatTime, plain } from "./format.js";

/** ✓ the step holds, ✗ it breaks here, – not known or not applicable */
export type Verdict = "pass" | "fail" | "unknown";

export type WhyStepName = "entra" | "enabled" | "scope" | "valid" | "linked" | "last_operation" | "abm";

export interface WhyStep {
  readonly step: WhyStepName;
  readonly verdict: Verdict;
  /** one line, neutral markup */
  readonly summary: string;
  /** further lines (each validation problem with its fix, the groups, the fix of an error) */
  readonly details: readonly string[];
}

export const VERDICT_MARK: Readonly<Record<Verdict, string>> = { pass: "✓", fail: "✗", unknown: "–" };

const MAX_DETAILS = 10;

const step = (name: WhyStepName, verdict: Verdict, summary: string, details: readonly string[] = []): WhyStep => ({
  step: name,
  verdict,
  summary,
  details: details.slice(0, MAX_DETAILS),
});

const unknown = (name: WhyStepName, summary: string): WhyStep => step(name, "unknown", summary);

function groupNames(groups: readonly GroupRef[]): string {
  return groups.map((g) => (g.displayName === null ? code(g.id) : `**${plain(g.displayName)}**`)).join(", ");
}

function entraStep(facts: UserFacts): WhyStep {
  const { source, deleted } = facts;
  if (source !== null) {
    const upn = source.attributes.userPrincipalName;
    const mail = source.attributes.mail;
    const names = [
      typeof upn === "string" ? `UPN ${plain(upn)}` : null,
      typeof mail === "string" && mail !== upn ? `mail ${plain(mail)}` : null,
    ].filter((x) => x !== null);
    return step("entra", "pass", `Object id ${code(source.id)}${names.length > 0 ? ` (${names.join(", ")})` : ""}.`);
  }
  if (deleted !== null) {
    return step(
      "entra",
      "fail",
      `Soft-deleted in Entra (object id ${code(deleted.id)}${deleted.deletedAt === null ? "" : `, since ${formatTime(new Date(deleted.deletedAt))}`}): deleted users are deactivated in ABM.`,
      ["Fix: restore the user in Entra (Users → Deleted users) within 30 days if they should stay."],
    );
  }
  return step(
    "entra",
    "fail",
    "No Entra user has this object id, userPrincipalName or mail (nor is one in the recycle bin).",
    ["Fix: check the address; a user removed from the recycle bin is gone for good."],
  );
}

function enabledStep(facts: UserFacts): WhyStep {
  if (facts.source === null) return unknown("enabled", "Not known: no Entra user.");
  const enabled = facts.source.attributes.accountEnabled;
  if (enabled === false)
    return step("enabled", "fail", "No: accountEnabled is false, so the user is deactivated in ABM.", [
      "Fix: enable the account in Entra if the user should sign in to ABM.",
    ]);
  if (enabled === true) return step("enabled", "pass", "accountEnabled is true.");
  return unknown("enabled", "Not known: Entra did not return accountEnabled.");
}

function scopeStep(facts: UserFacts): WhyStep {
  const { scope } = facts;
  if (scope === null) return unknown("scope", "Not known: no Entra user.");
  if (scope.path === null) return step("scope", "pass", 'The scope is "all users".');
  const { direct, groups, nestedGroups } = scope.path;
  const nested =
    nestedGroups.length === 0
      ? []
      : [
          `Only through a NESTED group under ${groupNames(nestedGroups)}: not counted, the provisioning service does not follow nested groups.`,
        ];
  if (direct || groups.length > 0) {
    const ways = [
      ...(direct ? ["Assigned to the app directly"] : []),
      ...(groups.length > 0 ? [`${direct ? "a" : "A"} direct member of the assigned group ${groupNames(groups)}`] : []),
    ];
    return step("scope", "pass", `${ways.join(", and ")}.`, nested);
  }
  return step(
    "scope",
    "fail",
    "No: not assigned to the Apple Business Manager app, directly or through a group it is a DIRECT member of.",
    [
      ...nested,
      nestedGroups.length > 0
        ? "Fix: add the user to the assigned group itself, or assign the app to the nested group."
        : "Fix: assign the user (or a group they are a direct member of) to the app in Entra, or use the scope `all`.",
    ],
  );
}

function validStep(facts: UserFacts): WhyStep {
  if (facts.source === null) return unknown("valid", "Not known: no Entra user.");
  if (facts.problems.length > 0) {
    return step(
      "valid",
      "fail",
      `No: ${facts.problems.length === 1 ? "1 problem" : `${facts.problems.length} problems`}, so the user is not sent.`,
      facts.problems.map((p) => `**${plain(p.field)}**: ${plain(p.message)} Fix: ${plain(p.fix)}`),
    );
  }
  const userName = facts.payload?.userName;
  return step("valid", "pass", userName === undefined ? "No problems." : `No problems; userName ${code(userName)}.`);
}

const notAvailable = (name: WhyStepName, fact: { readonly why: string }): WhyStep =>
  unknown(name, `Not available: ${plain(fact.why)}`);

function linkedStep(facts: UserFacts, ready: boolean): WhyStep {
  if (!facts.link.known) return notAvailable("linked", facts.link);
  const link = facts.link.value;
  if (link === null) {
    if (facts.source === null && facts.deleted === null) return unknown("linked", "Not known: no Entra user.");
    return step(
      "linked",
      ready ? "fail" : "unknown",
      !ready
        ? "No link to an ABM user (nothing to sync while a step above fails)."
        : facts.lastOperation.known && facts.lastOperation.value !== null
          ? "No link to an ABM user yet: the last operation did not create one."
          : "No link to an ABM user: never synced.",
    );
  }
  const what = `SCIM id ${code(link.scimId ?? "—")}, userName ${code(link.userName ?? "—")}`;
  return link.active
    ? step("linked", "pass", `${what}, active.`)
    : step("linked", "fail", `Inactive: ${what} (the sync deactivated it in ABM).`);
}

const PASSED = new Set(["succeeded", "success"]);
const FAILED = new Set(["failed", "failure"]);

function operationLine(op: OperationFacts): string {
  const tries = op.attempts !== null && op.attempts > 1 ? `, ${op.attempts} attempts` : "";
  const codePart = op.code === null ? "" : ` ${code(op.code)}`;
  return `${plain(op.action)} ${plain(op.status)}${codePart} at ${formatTime(op.at)}${tries}.`;
}

function lastOperationStep(facts: UserFacts, ready: boolean): WhyStep {
  if (!facts.lastOperation.known) return notAvailable("last_operation", facts.lastOperation);
  const op = facts.lastOperation.value;
  if (op === null) {
    if (facts.source === null && facts.deleted === null) return unknown("last_operation", "Not known: no Entra user.");
    return ready
      ? step("last_operation", "fail", "Never synced: no cycle has planned this user yet.", [
          "Fix: run `sync` (or `provision <user>`) and ask again.",
        ])
      : unknown("last_operation", "No operation recorded for this user.");
  }
  const details = [
    ...(op.message === null ? [] : [plain(op.message)]),
    ...(op.fix === null ? [] : [`Fix: ${plain(op.fix)}`]),
    ...(op.nextRetryAt === null ? [] : [`Next retry: ${formatTime(op.nextRetryAt)}.`]),
  ];
  const verdict: "pass" | "fail" | "unknown" = PASSED.has(op.status)
    ? "pass"
    : FAILED.has(op.status) || op.status === "held" || op.status === "skipped"
      ? "fail"
      : "unknown";
  return step("last_operation", verdict, operationLine(op), verdict === "pass" ? [] : details);
}

function abmStep(facts: UserFacts, organization: string): WhyStep {
  if (!facts.target.known) return notAvailable("abm", facts.target);
  const target = facts.target.value;
  const entraId = facts.source?.id ?? facts.deleted?.id ?? null;
  if (target === null) {
    return step(
      "abm",
      "fail",
      entraId === null
        ? `${organization} has no user named ${code(facts.query)}.`
        : `${organization} has no user with this user's link, externalId or userName.`,
    );
  }
  const owner =
    target.externalId === null
      ? "no externalId"
      : target.externalId === entraId
        ? "externalId = this Entra user"
        : `externalId ${code(target.externalId)} (another Entra user or source)`;
  const line = `${organization} holds ${code(target.id)}: userName ${code(target.userName)}, ${target.active ? "active" : "inactive"}, ${owner}.`;
  const gone =
    facts.source === null && target.active && entraId !== null
      ? ["The Entra user is deleted: the next cycle deactivates this ABM user."]
      : [];
  return step("abm", target.active && target.externalId === entraId ? "pass" : "fail", line, gone);
}

/**
 * The steps of `why <user>` in order, each with its verdict. Every step is shown, also after the
 * first ✗ (what is known after it still helps): the first ✗ is where it breaks.
 */
export function whySteps(facts: UserFacts, organization: string): WhyStep[] {
  const before = [entraStep(facts), enabledStep(facts), scopeStep(facts), validStep(facts)];
  // a missing link or operation is the break only when nothing above explains it
  const ready = before.every((s) => s.verdict !== "fail");
  return [...before, linkedStep(facts, ready), lastOperationStep(facts, ready), abmStep(facts, organization)];
}

export const STEP_LABELS: Readonly<Record<WhyStepName, string>> = {
  entra: "Exists in Entra",
  enabled: "Enabled",
  scope: "In scope",
  valid: "Valid for ABM",
  linked: "Linked",
  last_operation: "Last operation",
  abm: "In ABM now",
};
