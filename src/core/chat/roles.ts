import type { Clock } from "../clock.js";
import type { AppError } from "../errors.js";
import { ok, type Result } from "../result.js";
import type { CommandName } from "./grammar.js";
import type { ChatActor, GroupMembership } from "./ports.js";

/**
 * Who may do what. `help` and `status` are open to anyone the adapter let in (the bot's own Slack
 * workspace or Entra tenant), and so is `token`; viewers (`ABM_VIEWERS`; unset: everyone) read personal data (`check`, `conflicts`,
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
  // open like status; the held batch's users show to viewers only, its buttons to approvers only
  home: "anyone",
  help: "anyone",
  token: "anyone",
  conflicts: "viewer",
  check: "viewer",
  why: "viewer",
  errors: "viewer",
  orphans: "viewer",
  history: "viewer",
  approvals: "viewer",
  reconcile: "viewer",
  sync: "operator",
  restart: "operator",
  provision: "operator",
  scope: "operator",
  pause: "operator",
  resume: "operator",
  "alerts.here": "operator",
  "alerts.off": "operator",
  "alerts.list": "viewer",
  digest: "operator",
  "digest.show": "viewer",
  approve: "approver",
  reject: "approver",
};

export function requiredRole(command: CommandName): Role {
  return REQUIRED[command];
}

/**
 * One `ABM_VIEWERS` / `ABM_OPERATORS` / `ABM_APPROVERS` entry, already parsed and normalised by the
 * configuration (`src/config/parse-lists.ts`, the only parser): a Slack user id as given, an Entra
 * object id, an e-mail address or an Entra group object id (`group:<id>`), the last three lower-cased.
 */
export type RoleEntry =
  | { readonly kind: "slackUser"; readonly value: string }
  | { readonly kind: "entraObjectId"; readonly value: string }
  | { readonly kind: "email"; readonly value: string }
  | { readonly kind: "group"; readonly value: string };

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
  readonly viewers?: readonly RoleEntry[];
  readonly operators: readonly RoleEntry[];
  readonly approvers: readonly RoleEntry[];
  readonly groups: GroupMembership;
  readonly clock: Clock;
  /** how long a group answer is trusted; default 60 s */
  readonly cacheTtlMs?: number;
  /** bound on cached answers; default 1,000 */
  readonly cacheSize?: number;
}

function directMatch(entry: RoleEntry, actor: ChatActor): boolean {
  switch (entry.kind) {
    case "slackUser":
      return actor.platform === "slack" && actor.id === entry.value;
    case "entraObjectId":
      return actor.entraObjectId?.toLowerCase() === entry.value;
    case "email":
      return actor.email?.toLowerCase() === entry.value;
    case "group":
      return false;
  }
}

export function createRoleChecker(deps: RoleCheckerDeps): RoleChecker {
  const { operators, approvers } = deps;
  const viewers = deps.viewers ?? [];
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
        const member = await isMember(objectId, entry.value);
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
