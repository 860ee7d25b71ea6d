import type { Clock } from "../clock.js";
import { AppError } from "../errors.js";
import { err, ok, type Result } from "../result.js";
import type { CommandName } from "./grammar.js";
import type { ChatActor, GroupMembership } from "./ports.js";

/**
 * Who may do what. `help` and `status` are open to anyone the adapter let in (the bot's own Slack
 * workspace or Entra tenant); viewers (`ABM_VIEWERS`; unset: everyone) read personal data (`check`,
 * `errors`, `approvals`, `history`); operators (`ABM_OPERATORS`) change the sync; approvers
 * (`ABM_APPROVERS`) approve or reject held deletion batches. Operators and approvers are viewers too.
 */
export type Role = "anyone" | "viewer" | "operator" | "approver";

const ROLE_ENV: Readonly<Record<Role, string | null>> = {
  anyone: null,
  viewer: "ABM_VIEWERS",
  operator: "ABM_OPERATORS",
  approver: "ABM_APPROVERS",
};

const REQUIRED: Readonly<Record<CommandName, Role>> = {
  status: "anyone",
  help: "anyone",
  check: "viewer",
  errors: "viewer",
  history: "viewer",
  approvals: "viewer",
  sync: "operator",
  restart: "operator",
  provision: "operator",
  scope: "operator",
  pause: "operator",
  resume: "operator",
  "alerts.here": "operator",
  "alerts.off": "operator",
  approve: "approver",
  reject: "approver",
};

export function requiredRole(command: CommandName): Role {
  return REQUIRED[command];
}

export type RoleEntry =
  | { readonly kind: "slack_user"; readonly id: string }
  | { readonly kind: "entra_object"; readonly id: string }
  | { readonly kind: "email"; readonly email: string }
  | { readonly kind: "group"; readonly groupId: string };

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SLACK_USER = /^[UW][A-Z0-9]{2,20}$/;
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/;

/** One `ABM_VIEWERS` / `ABM_OPERATORS` / `ABM_APPROVERS` entry: a Slack user id, an Entra object id, an e-mail, or `group:<id>`. */
export function parseRoleEntry(raw: string): Result<RoleEntry, AppError> {
  const value = raw.trim();
  if (value.toLowerCase().startsWith("group:")) {
    const groupId = value.slice("group:".length).trim();
    if (GUID.test(groupId)) return ok({ kind: "group", groupId: groupId.toLowerCase() });
  } else if (SLACK_USER.test(value)) {
    return ok({ kind: "slack_user", id: value });
  } else if (GUID.test(value)) {
    return ok({ kind: "entra_object", id: value.toLowerCase() });
  } else if (EMAIL.test(value)) {
    return ok({ kind: "email", email: value.toLowerCase() });
  }
  return err(
    new AppError(
      "chat.roles.invalid_entry",
      `"${value.slice(0, 80)}" is not a Slack user id (U…/W…), an Entra object id, an e-mail address or group:<Entra group id>.`,
      { context: { entry: value.slice(0, 80) } },
    ),
  );
}

export interface RoleDecision {
  readonly allowed: boolean;
  readonly role: Role;
  /** set when a group check could not be made (Graph failed) */
  readonly problem: AppError | null;
}

export interface RoleChecker {
  check(actor: ChatActor, role: Role): Promise<RoleDecision>;
  /** every role the actor holds (always includes anyone) */
  rolesOf(actor: ChatActor): Promise<ReadonlySet<Role>>;
}

export interface RoleCheckerDeps {
  /** empty: everyone the adapter let in is a viewer */
  readonly viewers?: readonly string[];
  readonly operators: readonly string[];
  readonly approvers: readonly string[];
  readonly groups: GroupMembership;
  readonly clock: Clock;
  /** how long a group answer is trusted; default 60 s */
  readonly cacheTtlMs?: number;
  /** bound on cached answers; default 1,000 */
  readonly cacheSize?: number;
}

function parseAll(variable: string, raws: readonly string[]): RoleEntry[] {
  const entries: RoleEntry[] = [];
  const bad: string[] = [];
  for (const raw of raws) {
    if (raw.trim().length === 0) continue;
    const parsed = parseRoleEntry(raw);
    if (parsed.ok) entries.push(parsed.value);
    else bad.push(parsed.error.message);
  }
  if (bad.length > 0) {
    throw new AppError("chat.roles.invalid_entry", `${variable}: ${bad.join(" ")}`, { context: { variable } });
  }
  return entries;
}

function directMatch(entry: RoleEntry, actor: ChatActor): boolean {
  switch (entry.kind) {
    case "slack_user":
      return actor.platform === "slack" && actor.id === entry.id;
    case "entra_object":
      return actor.entraObjectId?.toLowerCase() === entry.id;
    case "email":
      return actor.email?.toLowerCase() === entry.email;
    case "group":
      return false;
  }
}

/** Throws AppError `chat.roles.invalid_entry` listing every bad entry (configuration error). */
export function createRoleChecker(deps: RoleCheckerDeps): RoleChecker {
  const operators = parseAll("ABM_OPERATORS", deps.operators);
  const approvers = parseAll("ABM_APPROVERS", deps.approvers);
  const viewers = parseAll("ABM_VIEWERS", deps.viewers ?? []);
  const lists: Readonly<Record<Exclude<Role, "anyone">, readonly RoleEntry[]>> = {
    // viewer or above: an operator or approver may read what a viewer may
    viewer: [...viewers, ...operators, ...approvers],
    operator: operators,
    approver: approvers,
  };
  const everyoneViews = viewers.length === 0;
  const ttl = deps.cacheTtlMs ?? 60_000;
  const maxSize = deps.cacheSize ?? 1_000;
  const cache = new Map<string, { readonly member: boolean; readonly expiresAt: number }>();

  async function isMember(objectId: string, groupId: string): Promise<Result<boolean, AppError>> {
    const key = `${objectId.toLowerCase()}|${groupId}`;
    const now = deps.clock.now().getTime();
    const hit = cache.get(key);
    if (hit !== undefined && hit.expiresAt > now) return ok(hit.member);
    cache.delete(key);
    const answer = await deps.groups.isMember(objectId, groupId);
    if (!answer.ok) return answer;
    if (cache.size >= maxSize) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(key, { member: answer.value, expiresAt: now + ttl });
    return answer;
  }

  async function check(actor: ChatActor, role: Role): Promise<RoleDecision> {
    if (role === "anyone" || (role === "viewer" && everyoneViews)) return { allowed: true, role, problem: null };
    const entries = lists[role];
    if (entries.some((entry) => directMatch(entry, actor))) return { allowed: true, role, problem: null };
    let problem: AppError | null = null;
    const objectId = actor.entraObjectId;
    if (objectId !== undefined) {
      for (const entry of entries) {
        if (entry.kind !== "group") continue;
        const member = await isMember(objectId, entry.groupId);
        if (member.ok && member.value) return { allowed: true, role, problem: null };
        if (!member.ok) problem = member.error;
      }
    }
    return { allowed: false, role, problem };
  }

  return {
    check,
    async rolesOf(actor) {
      const roles = new Set<Role>(["anyone"]);
      for (const role of ["viewer", "operator", "approver"] as const) {
        if ((await check(actor, role)).allowed) roles.add(role);
      }
      return roles;
    },
  };
}

/** The private refusal text: which role is needed and who grants it. */
export function refusalText(command: string, decision: RoleDecision, actor: ChatActor): string {
  const variable = ROLE_ENV[decision.role] ?? "configuration";
  const who =
    actor.platform === "slack"
      ? `your Slack user id \`${actor.id}\``
      : actor.entraObjectId !== undefined
        ? `your Entra object id \`${actor.entraObjectId}\``
        : "your e-mail address";
  const lines = [
    `\`${command}\` needs the **${decision.role}** role.`,
    `An administrator grants it by adding ${who} (or an e-mail address, or \`group:<Entra group id>\`) to \`${variable}\`.`,
  ];
  if (decision.problem !== null) lines.push(`(Group membership could not be checked: ${decision.problem.message})`);
  return lines.join("\n");
}
