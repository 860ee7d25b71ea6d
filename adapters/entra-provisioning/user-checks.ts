import type { AppError } from "#core/errors.js";
import {
  type ScopeFacts,
  type ScopePreview,
  type SyncScope,
  type UserCheck,
  type UserFacts,
  unknownUserCheck,
} from "#core/ports/provisioning-engine.js";
import { err, ok, type Result } from "#core/result.js";
import { type AttributeMap, MAPPED_FIELDS } from "#core/sync/attribute-map.js";
import { prepareUsers } from "#core/sync/prepare.js";
import { fixFor } from "./failure-log.js";
import { graphTime } from "./job-status.js";
import type { LogEntry } from "./schemas.js";
import { notificationSettings, scopeOf } from "./secrets.js";
import type { SyncApi } from "./sync-api.js";

const EXAMPLES = 10;

/** the flattened source paths the map reads, plus accountEnabled */
function paths(map: AttributeMap): string[] {
  const out = new Set<string>(["accountEnabled"]);
  for (const field of MAPPED_FIELDS) {
    const rule = map.rules[field];
    if (rule.kind === "source") out.add(rule.path);
  }
  return [...out];
}

export interface CheckDeps {
  readonly api: SyncApi;
  readonly map: AttributeMap;
  readonly verifiedDomains: readonly string[] | null;
}

/** the job's scope, and for `assigned` how the user reaches the app's assignments */
async function scopeFacts(api: SyncApi, userId: string): Promise<Result<ScopeFacts, AppError>> {
  const secrets = await api.secrets();
  if (!secrets.ok) return err(secrets.error);
  if (scopeOf(secrets.value) === "all") return ok({ mode: "all", inScope: true, path: null });
  const path = await api.assignmentOf(userId);
  if (!path.ok) return err(path.error);
  return ok({ mode: "assigned", inScope: path.value.direct || path.value.groups.length > 0, path: path.value });
}

function scopeReason(scope: ScopeFacts): string {
  if (scope.path === null) return 'The job syncs all users ("Sync all users and groups").';
  return scope.inScope
    ? "Assigned to the Apple Business Manager app (directly or as a direct member of an assigned group)."
    : "Not assigned to the Apple Business Manager app, directly or through a group it is a DIRECT member of (nested groups do not count).";
}

/** the user's latest provisioning log entries, newest first */
async function latestLogs(deps: CheckDeps, jobId: string, userId: string): Promise<Result<LogEntry[], AppError>> {
  const logs = await deps.api.logs(jobId, [deps.api.clause("sourceIdentity/id", "eq", userId)], 5);
  if (!logs.ok) return err(logs.error);
  return ok(
    [...logs.value].sort((a, b) => Date.parse(b.activityDateTime) - Date.parse(a.activityDateTime)).slice(0, 5),
  );
}

const actionOf = (e: LogEntry) => (e.provisioningAction ?? e.action ?? "other").toLowerCase();

function describe(e: LogEntry): string {
  const info = e.provisioningStatusInfo?.errorInformation;
  const why = info === null || info === undefined ? "" : `: ${info.errorCode ?? ""} ${info.reason ?? ""}`.trimEnd();
  return `${actionOf(e)} ${e.provisioningStatusInfo?.status ?? "unknown"}${why}`;
}

/** Read-only: Entra attributes, scope, the native engine's validation, the user's latest log entries. */
export async function checkUser(deps: CheckDeps, jobId: string, query: string): Promise<Result<UserCheck, AppError>> {
  const found = await deps.api.user(query, paths(deps.map));
  if (!found.ok) return err(found.error);
  if (found.value === null) return ok(unknownUserCheck(query));
  const user = found.value;
  const scope = await scopeFacts(deps.api, user.id);
  if (!scope.ok) return err(scope.error);
  const [planned] = prepareUsers([user], deps.map, { verifiedDomains: deps.verifiedDomains });
  const logs = await latestLogs(deps, jobId, user.id);
  if (!logs.ok) return err(logs.error);
  const entries = logs.value;
  const [latest] = entries;
  const notes = entries.map(
    (e) => `Provisioning log ${e.activityDateTime.slice(0, 16).replace("T", " ")} UTC: ${describe(e)}`,
  );
  if (entries.length === 0) notes.push("No provisioning log entries for this user in the retained logs.");
  notes.push(NOT_READING_ABM);
  return ok({
    query,
    source: user,
    inScope: scope.value.inScope,
    scopeReason: scopeReason(scope.value),
    problems: planned?.problems ?? [],
    payload: planned?.target ?? null,
    target: null,
    lastResult:
      latest === undefined
        ? null
        : {
            at: graphTime(latest.activityDateTime) ?? new Date(0),
            action: actionOf(latest),
            status: latest.provisioningStatusInfo?.status ?? "unknown",
            detail: describe(latest),
          },
    notes,
  });
}

const NOT_READING_ABM =
  "With ABM_ENGINE=entra the service does not read ABM itself; Entra's provisioning logs show what reached ABM.";

/** `why <user>` with the entra engine: the same steps as `check`; Entra keeps the link, ABM is not read. */
export async function explainUser(deps: CheckDeps, jobId: string, query: string): Promise<Result<UserFacts, AppError>> {
  const found = await deps.api.user(query, paths(deps.map));
  if (!found.ok) return err(found.error);
  const user = found.value;
  const deleted = user === null ? await deps.api.deletedUser(query) : ok(null);
  if (!deleted.ok) return err(deleted.error);
  const scope = user === null ? ok(null) : await scopeFacts(deps.api, user.id);
  if (!scope.ok) return err(scope.error);
  const [planned] = user === null ? [] : prepareUsers([user], deps.map, { verifiedDomains: deps.verifiedDomains });
  const entraId = user?.id ?? deleted.value?.id ?? null;
  const logs = entraId === null ? ok([]) : await latestLogs(deps, jobId, entraId);
  if (!logs.ok) return err(logs.error);
  const [latest] = logs.value;
  const info = latest?.provisioningStatusInfo?.errorInformation;
  const code = info?.errorCode ?? null;
  return ok({
    query,
    engine: "entra",
    source: user,
    deleted: deleted.value,
    scope: scope.value,
    problems: planned?.problems ?? [],
    payload: planned?.target ?? null,
    link: {
      known: false,
      why: "With ABM_ENGINE=entra, Entra's provisioning job keeps the link to the ABM user, not this service.",
    },
    lastOperation: {
      known: true,
      value:
        latest === undefined
          ? null
          : {
              at: graphTime(latest.activityDateTime) ?? new Date(0),
              action: actionOf(latest),
              status: latest.provisioningStatusInfo?.status ?? "unknown",
              code,
              message: info?.reason ?? info?.additionalDetails ?? null,
              fix: code === null ? null : fixFor(code, info?.recommendedAction),
              attempts: null,
              nextRetryAt: null,
            },
    },
    target: { known: false, why: NOT_READING_ABM },
  });
}

/** Best effort: counts users assigned vs all users through Graph (Entra's own evaluation may differ). */
export async function previewScope(api: SyncApi, to: SyncScope): Promise<Result<ScopePreview, AppError>> {
  const secrets = await api.secrets();
  if (!secrets.ok) return err(secrets.error);
  const from = scopeOf(secrets.value);
  const none: ScopePreview = {
    from,
    to,
    entering: 0,
    leaving: 0,
    examplesEntering: [],
    examplesLeaving: [],
    wouldHold: false,
  };
  if (from === to) return ok(none);
  const assigned = await api.assignedUsers();
  if (!assigned.ok) return err(assigned.error);
  const all = await api.allUsers();
  if (!all.ok) return err(all.error);
  const outside = all.value.filter((u) => !assigned.value.has(u.id));
  const names = outside
    .slice(0, EXAMPLES)
    .map((u) => (typeof u.userPrincipalName === "string" ? u.userPrincipalName : u.id));
  const threshold = notificationSettings(secrets.value);
  if (to === "all") return ok({ ...none, entering: outside.length, examplesEntering: names });
  return ok({
    ...none,
    leaving: outside.length,
    examplesLeaving: names,
    wouldHold: threshold.deleteThresholdEnabled && outside.length >= threshold.deleteThresholdValue,
  });
}
