import { AppError, type ErrorCode } from "../errors.js";
import type { SyncScope } from "../ports/provisioning-engine.js";
import { err, ok, type Result } from "../result.js";
import { ALERT_KINDS, parseAlertKinds, type SubscribedKinds } from "./alerts/kinds.js";
import type { DigestCadence } from "./digest/period.js";

/**
 * The one command grammar shared by the CLI, Slack (`/abm …`) and Teams (`@abm …`).
 * `parseCommand` never throws: anything it cannot read becomes a UsageError with a short,
 * friendly message that suggests the closest command.
 */
export type Command =
  | { readonly name: "status" }
  /** the home screen: state, runs chart, failing users by reason, the held batch (Slack App Home, Teams card) */
  | { readonly name: "home" }
  | { readonly name: "sync"; readonly full: boolean; readonly dryRun: boolean }
  /** `preview` shows what happens with Confirm/Cancel (chat); `apply` does it (the Confirm button, the CLI) */
  | { readonly name: "restart"; readonly mode: Mode }
  | { readonly name: "check"; readonly user: string }
  /** each step from Entra to ABM for one user, with its verdict */
  | { readonly name: "why"; readonly user: string }
  | { readonly name: "provision"; readonly user: string }
  | { readonly name: "scope"; readonly scope: SyncScope; readonly mode: Mode }
  | { readonly name: "pause" }
  | { readonly name: "resume" }
  | { readonly name: "approvals" }
  | { readonly name: "approve"; readonly approvalId: string }
  | { readonly name: "reject"; readonly approvalId: string }
  /** `csv`: the answer also carries the whole list as CSV (the CLI's `--csv FILE`) */
  | { readonly name: "errors"; readonly csv: boolean }
  | { readonly name: "history"; readonly limit: number }
  | { readonly name: "token" }
  /** `csv`: the answer also carries the list as CSV, like ABM's Download Conflicts (the CLI's `--csv FILE`) */
  | { readonly name: "conflicts"; readonly csv: boolean }
  /** ABM users with no Entra counterpart in scope; `csv` as for `errors` */
  | { readonly name: "orphans"; readonly csv: boolean }
  /** Entra against the Apple organization's own users (Apple Business API); `csv` as for `errors` */
  | { readonly name: "reconcile"; readonly csv: boolean }
  | { readonly name: "help" }
  /** `kinds`: what this conversation receives (`all` when none is named) */
  | { readonly name: "alerts.here"; readonly kinds: SubscribedKinds }
  | { readonly name: "alerts.off" }
  | { readonly name: "alerts.list" }
  /** `null`: `digest off` */
  | { readonly name: "digest"; readonly cadence: DigestCadence | null }
  /** the digest of the period in progress, as it would be posted */
  | { readonly name: "digest.show"; readonly cadence: DigestCadence };

export type CommandName = Command["name"];

/** `preview`: show what would happen (chat asks to confirm; the CLI's `--dry-run`); `apply`: do it. */
export type Mode = "preview" | "apply";

/** How many runs `history` shows unless told otherwise; at most HISTORY_MAX. */
export const HISTORY_DEFAULT = 20;
const HISTORY_MAX = 1_000;

export interface CommandSpec {
  readonly name: CommandName;
  readonly usage: string;
  readonly summary: string;
}

export const COMMAND_SPECS: readonly CommandSpec[] = [
  { name: "status", usage: "status", summary: "Sync state, last run, next run, pending approvals" },
  { name: "home", usage: "home", summary: "Home screen: state, recent runs as a chart, failures, held deletions" },
  { name: "check", usage: "check <user>", summary: "Why one user is (not) synced: scope, attributes, last result" },
  { name: "why", usage: "why <user>", summary: "Why a user is (not) in ABM: each step from Entra to ABM" },
  { name: "errors", usage: "errors", summary: "Failing users grouped by reason, with how to fix" },
  { name: "orphans", usage: "orphans", summary: "ABM users with no Entra user in scope (changes nothing)" },
  { name: "history", usage: "history [N]", summary: "Recent sync runs and their counts (default 20)" },
  { name: "approvals", usage: "approvals", summary: "Deletion batches waiting for approval" },
  { name: "token", usage: "token", summary: "Days left of the ABM token, the next token, and how to rotate it" },
  {
    name: "reconcile",
    usage: "reconcile",
    summary: "Entra against Apple's own users: orphans, missing, locked, skipped admins, drift",
  },
  {
    name: "conflicts",
    usage: "conflicts",
    summary: "Users ABM refused because their address is taken (409), and what to do",
  },
  { name: "help", usage: "help", summary: "The commands you may run" },
  { name: "sync", usage: "sync [--full] [--dry-run]", summary: "Run a sync cycle now (incremental, or full)" },
  { name: "restart", usage: "restart", summary: "Clear sync state and run a full cycle (asks to confirm)" },
  { name: "provision", usage: "provision <user>", summary: "Provision one user now" },
  { name: "scope", usage: "scope <all|assigned>", summary: "Change which users are synced (asks to confirm)" },
  { name: "pause", usage: "pause", summary: "Pause scheduled cycles" },
  { name: "resume", usage: "resume", summary: "Resume scheduled cycles" },
  {
    name: "alerts.here",
    usage: `alerts here [${[...ALERT_KINDS, "all"].join("|")}]`,
    summary: "Post alerts of these kinds in this conversation (default all; several allowed)",
  },
  { name: "alerts.off", usage: "alerts off", summary: "Stop posting alerts in this conversation" },
  { name: "alerts.list", usage: "alerts list", summary: "Where alerts go: each channel, its kinds, who set it, when" },
  { name: "digest", usage: "digest daily|weekly|off", summary: "Post a daily or weekly digest in this conversation" },
  { name: "digest.show", usage: "digest show [daily|weekly]", summary: "The digest of the period so far" },
  { name: "approve", usage: "approve <id>", summary: "Approve a held deletion batch" },
  { name: "reject", usage: "reject <id>", summary: "Reject a held deletion batch" },
];

export const MAX_COMMAND_LENGTH = 2_000;

export class UsageError extends AppError {
  /** the usage line of the command that was meant, or the general hint */
  readonly usage: string;
  readonly suggestion: string | null;

  constructor(code: ErrorCode, message: string, usage: string, suggestion: string | null = null) {
    super(code, message, { retryable: false, context: { suggestion } });
    this.name = "UsageError";
    this.usage = usage;
    this.suggestion = suggestion;
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UPN =
  /^[A-Za-z0-9._%+'#$!=~^&-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const APPROVAL_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]/;
const HELP_HINT = "Type `help` to see the commands.";

/** An e-mail/UPN or an Entra object id (GUID); returns the normalised value or null. */
export function normalizeUserArgument(raw: string): string | null {
  let value = raw.trim();
  // Slack may wrap e-mail addresses as <mailto:a@b.c|a@b.c>
  const mailto = /^<mailto:([^|>]+)(?:\|[^>]*)?>$/i.exec(value);
  if (mailto?.[1] !== undefined) value = mailto[1];
  if (value.length === 0 || value.length > 254 || CONTROL.test(value)) return null;
  if (GUID.test(value)) return value.toLowerCase();
  if (UPN.test(value)) return value;
  return null;
}

function usageOf(name: CommandName): string {
  return COMMAND_SPECS.find((spec) => spec.name === name)?.usage ?? "help";
}

function malformed(name: CommandName, problem: string): UsageError {
  const usage = usageOf(name);
  return new UsageError("chat.usage", `${problem} Usage: \`${usage}\`.`, usage);
}

/** Levenshtein distance, bounded inputs only (command words are short). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min((row[j - 1] ?? 0) + 1, current + 1, previous + cost);
      previous = current;
    }
  }
  return row[b.length] ?? Math.max(a.length, b.length);
}

const WORDS = [
  "status",
  "home",
  "sync",
  "restart",
  "check",
  "why",
  "orphans",
  "provision",
  "scope",
  "pause",
  "resume",
  "approvals",
  "approve",
  "reject",
  "errors",
  "history",
  "token",
  "conflicts",
  "reconcile",
  "help",
  "alerts",
  "digest",
] as const;

/** The closest command word to what was typed, or null when nothing is close. */
export function suggestCommand(word: string): string | null {
  const typed = word.toLowerCase().slice(0, 32);
  let best: { word: string; score: number } | null = null;
  for (const candidate of WORDS) {
    const score = candidate.startsWith(typed) && typed.length >= 2 ? 0 : distance(typed, candidate);
    if (best === null || score < best.score) best = { word: candidate, score };
  }
  if (best === null || best.score > Math.max(1, Math.floor(best.word.length / 3))) return null;
  return best.word === "alerts"
    ? "alerts here"
    : (COMMAND_SPECS.find((spec) => spec.name === best.word)?.usage ?? best.word);
}

function printable(word: string): string {
  const cut = word.length > 24 ? `${word.slice(0, 24)}…` : word;
  return cut.replace(/[`*[\]()<>&]/g, "");
}

function noArgs(name: CommandName, args: readonly string[], command: Command): Result<Command, UsageError> {
  return args.length === 0 ? ok(command) : err(malformed(name, `\`${usageOf(name)}\` takes no arguments.`));
}

function userCommand(name: "check" | "why" | "provision", args: readonly string[]): Result<Command, UsageError> {
  const [raw, ...rest] = args;
  if (raw === undefined || rest.length > 0) return err(malformed(name, "Give exactly one user."));
  const user = normalizeUserArgument(raw);
  if (user === null) return err(malformed(name, "A user is an e-mail address / UPN or an Entra object id (GUID)."));
  return ok({ name, user });
}

function approvalCommand(name: "approve" | "reject", args: readonly string[]): Result<Command, UsageError> {
  const [id, ...rest] = args;
  if (id === undefined || rest.length > 0 || !APPROVAL_ID.test(id)) {
    return err(malformed(name, "Give one approval id (see `approvals`)."));
  }
  return ok({ name, approvalId: id });
}

function parseWords(word: string, args: readonly string[]): Result<Command, UsageError> {
  switch (word) {
    case "status":
    case "home":
    case "pause":
    case "resume":
    case "approvals":
    case "help":
      return noArgs(word, args, { name: word });
    case "restart":
      return noArgs(word, args, { name: word, mode: "preview" });
    case "errors":
    case "conflicts":
    case "orphans":
    case "reconcile":
      return noArgs(word, args, { name: word, csv: false });
    case "token":
      return noArgs(word, args, { name: word });
    case "history": {
      const [raw, ...rest] = args;
      if (raw === undefined) return ok({ name: "history", limit: HISTORY_DEFAULT });
      const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : 0;
      if (rest.length > 0 || limit < 1 || limit > HISTORY_MAX)
        return err(malformed("history", `Give how many runs, 1 to ${HISTORY_MAX}.`));
      return ok({ name: "history", limit });
    }
    case "sync": {
      const flags = new Set(args.map((a) => a.toLowerCase()));
      if (args.length > 2 || [...flags].some((f) => f !== "--full" && f !== "--dry-run") || flags.size !== args.length)
        return err(malformed("sync", "`sync` only knows `--full` and `--dry-run`."));
      return ok({ name: "sync", full: flags.has("--full"), dryRun: flags.has("--dry-run") });
    }
    case "check":
    case "why":
    case "provision":
      return userCommand(word, args);
    case "scope": {
      const scope = args.length === 1 ? args[0]?.toLowerCase() : undefined;
      if (scope === "all" || scope === "assigned") return ok({ name: "scope", scope, mode: "preview" });
      return err(malformed("scope", "Choose `all` or `assigned`."));
    }
    case "approve":
    case "reject":
      return approvalCommand(word, args);
    case "alerts":
      return alertsCommand(args);
    case "digest":
      return digestCommand(args);
    default: {
      const suggestion = suggestCommand(word);
      const known = `I don't know \`${printable(word)}\`.`;
      const message =
        suggestion === null ? `${known} ${HELP_HINT}` : `${known} Did you mean \`${suggestion}\`? ${HELP_HINT}`;
      return err(new UsageError("chat.unknown_command", message, "help", suggestion));
    }
  }
}

function alertsCommand(args: readonly string[]): Result<Command, UsageError> {
  const [where, ...rest] = args.map((a) => a.toLowerCase());
  if (where === "here") {
    const kinds = parseAlertKinds(rest);
    if (kinds.ok) return ok({ name: "alerts.here", kinds: kinds.kinds });
    const unknown = kinds.unknown.map((w) => `\`${printable(w)}\``).join(", ");
    return err(
      malformed("alerts.here", `I don't know the alert kind ${unknown}. Kinds: ${[...ALERT_KINDS, "all"].join(", ")}.`),
    );
  }
  if (where === "off" && rest.length === 0) return ok({ name: "alerts.off" });
  if (where === "list" && rest.length === 0) return ok({ name: "alerts.list" });
  return err(new UsageError("chat.usage", "Use `alerts here [kinds]`, `alerts list` or `alerts off`.", "alerts here"));
}

function digestCommand(args: readonly string[]): Result<Command, UsageError> {
  const [what, ...rest] = args.map((a) => a.toLowerCase());
  if (what === "show" && rest.length <= 1) {
    const cadence = rest[0] ?? "daily";
    if (cadence === "daily" || cadence === "weekly") return ok({ name: "digest.show", cadence });
    return err(malformed("digest.show", "Choose `daily` or `weekly`."));
  }
  if (rest.length === 0 && (what === "daily" || what === "weekly")) return ok({ name: "digest", cadence: what });
  if (rest.length === 0 && what === "off") return ok({ name: "digest", cadence: null });
  return err(malformed("digest", "Choose `daily`, `weekly` or `off`."));
}

/** Parses the text after `/abm` (or `@abm`, or the CLI argv joined by spaces). Never throws. */
export function parseCommand(text: unknown): Result<Command, UsageError> {
  if (typeof text !== "string") return err(new UsageError("chat.usage", `I could not read that. ${HELP_HINT}`, "help"));
  if (text.length > MAX_COMMAND_LENGTH) {
    return err(
      new UsageError(
        "chat.input_too_long",
        `That is too long (over ${MAX_COMMAND_LENGTH} characters). ${HELP_HINT}`,
        "help",
      ),
    );
  }
  if (CONTROL.test(text)) {
    return err(new UsageError("chat.usage", `That contains control characters I cannot read. ${HELP_HINT}`, "help"));
  }
  const words = text
    .trim()
    .split(/\s+/)
    .filter((word) => word.length > 0);
  if (words[0] !== undefined && /^[/@]?abm$/i.test(words[0])) words.shift();
  const [first, ...args] = words;
  if (first === undefined) return ok({ name: "help" });
  return parseWords(first.toLowerCase(), args);
}
