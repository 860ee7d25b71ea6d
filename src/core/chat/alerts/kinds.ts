import type { AlertAction, IncidentKind } from "./incidents.js";

/**
 * The kinds of alert a channel can subscribe to (`alerts here errors deletions …`). The ONE list:
 * the grammar, the help text, `alerts list`, the store's parser and the dispatcher all read it, so a
 * new kind is one entry here (and one in `ALERT_KIND_INFO`, which the compiler then asks for).
 */
export const ALERT_KINDS = ["errors", "deletions", "tokens", "runs", "apple"] as const;

export type AlertKind = (typeof ALERT_KINDS)[number];

/** What a channel receives: every kind, including kinds added later (`all`), or these kinds. */
export type SubscribedKinds = "all" | readonly AlertKind[];

/** What each kind carries, in words (help and `alerts list`). */
export const ALERT_KIND_INFO: Readonly<Record<AlertKind, string>> = {
  errors: "users failing to sync, failed cycles, quarantine",
  deletions: "deletion batches held for approval and their results",
  tokens: "SCIM token expiry warnings, a rejected token, the switch to the next token",
  runs: "a short note after each run that changed users",
  apple: "Apple's audit log: accounts added or deleted by hand, role, domain and API account changes, failed actions",
};

/** Every alert the policy raises belongs to exactly one kind (the compiler checks every incident kind is here). */
const INCIDENT_ALERT_KIND: Readonly<Record<IncidentKind, AlertKind>> = {
  failures: "errors",
  cycle_error: "errors",
  quarantine: "errors",
  deletions_held: "deletions",
  token_expiring: "tokens",
  token_rejected: "tokens",
  token_switched: "tokens",
  apple_audit: "apple",
};

/** The kind of alert an action belongs to: its incident's, or the note's own. */
export function alertKindOf(action: AlertAction): AlertKind {
  return action.type === "note" ? action.kind : INCIDENT_ALERT_KIND[action.incident.kind];
}

function isAlertKind(word: string): word is AlertKind {
  return (ALERT_KINDS as readonly string[]).includes(word);
}

/**
 * The kinds named by the words after `alerts here` (none, or `all` among them: every kind); the
 * words it does not know, when any.
 */
export function parseAlertKinds(
  words: readonly string[],
): { readonly ok: true; readonly kinds: SubscribedKinds } | { readonly ok: false; readonly unknown: string[] } {
  const lower = words.map((w) => w.toLowerCase());
  const unknown = lower.filter((w) => w !== "all" && !isAlertKind(w));
  if (unknown.length > 0) return { ok: false, unknown };
  if (lower.length === 0 || lower.includes("all")) return { ok: true, kinds: "all" };
  return { ok: true, kinds: ALERT_KINDS.filter((kind) => lower.includes(kind)) };
}

export function receives(subscribed: SubscribedKinds, kind: AlertKind): boolean {
  return subscribed === "all" || subscribed.includes(kind);
}

/** `all`, or the kinds in the list's order: `deletions, tokens`. */
export function describeKinds(subscribed: SubscribedKinds): string {
  return subscribed === "all" ? "all" : subscribed.join(", ");
}

export function sameKinds(a: SubscribedKinds, b: SubscribedKinds): boolean {
  if (a === "all" || b === "all") return a === b;
  return a.length === b.length && a.every((kind) => b.includes(kind));
}

/** As stored (a JSON array): `["all"]` or the kinds. */
export function kindsToStored(subscribed: SubscribedKinds): string[] {
  return subscribed === "all" ? ["all"] : [...subscribed];
}

/** Reads the stored array back; kinds this version does not know are dropped (a newer replica may know more). */
export function kindsFromStored(stored: readonly string[]): SubscribedKinds {
  if (stored.includes("all")) return "all";
  return ALERT_KINDS.filter((kind) => stored.includes(kind));
}
