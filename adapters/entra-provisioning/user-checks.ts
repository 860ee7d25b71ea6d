import type { AppError } from "#core/errors.js";
import {
  type ScopePreview,
  type SyncScope,
  type UserCheck,
  unknownUserCheck,
} from "#core/ports/provisioning-engine.js";
import { err, ok, type Result } from "#core/result.js";
import { type AttributeMap, MAPPED_FIELDS } from "#core/sync/attribute-map.js";
import { prepareUsers } from "#core/sync/prepare.js";
import { graphTime } from "./job-status.js";
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

/** Read-only: Entra attributes, scope, the native engine's validation, the user's latest log entries. */
export async function checkUser(deps: CheckDeps, jobId: string, query: string): Promise<Result<UserCheck, AppError>> {
  const found = await deps.api.user(query, paths(deps.map));
  if (!found.ok) return err(found.error);
  if (found.value === null) return ok(unknownUserCheck(query));
  const user = found.value;
  const secrets = await deps.api.secrets();
  if (!secrets.ok) return err(secrets.error);
  let inScope = true;
  let scopeReason = 'The job syncs all users ("Sync all users and groups").';
  if (scopeOf(secrets.value) === "assigned") {
    const assigned = await deps.api.assignedUsers();
    if (!assigned.ok) return err(assigned.error);
    inScope = assigned.value.has(user.id);
    scopeReason = inScope
      ? "Assigned to the Apple Business Manager app (directly or as a direct member of an assigned group)."
      : "Not assigned to the Apple Business Manager app, directly or through a group it is a DIRECT member of (nested groups do not count).";
  }
  const [planned] = prepareUsers([user], deps.map, { verifiedDomains: deps.verifiedDomains });
  const logs = await deps.api.logs(jobId, [deps.api.clause("sourceIdentity/id", "eq", user.id)], 5);
  if (!logs.ok) return err(logs.error);
  const entries = [...logs.value]
    .sort((a, b) => Date.parse(b.activityDateTime) - Date.parse(a.activityDateTime))
    .slice(0, 5);
  const describe = (e: (typeof entries)[number]) => {
    const info = e.provisioningStatusInfo?.errorInformation;
    const why = info === null || info === undefined ? "" : `: ${info.errorCode ?? ""} ${info.reason ?? ""}`.trimEnd();
    return `${(e.provisioningAction ?? e.action ?? "other").toLowerCase()} ${e.provisioningStatusInfo?.status ?? "unknown"}${why}`;
  };
  const [latest] = entries;
  const notes = entries.map(
    (e) => `Provisioning log ${e.activityDateTime.slice(0, 16).replace("T", " ")} UTC: ${describe(e)}`,
  );
  if (entries.length === 0) notes.push("No provisioning log entries for this user in the retained logs.");
  notes.push(
    "With ABM_ENGINE=entra the service does not read ABM itself; Entra's provisioning logs show what reached ABM.",
  );
  return ok({
    query,
    source: user,
    inScope,
    scopeReason,
    problems: planned?.problems ?? [],
    payload: planned?.target ?? null,
    target: null,
    lastResult:
      latest === undefined
        ? null
        : {
            at: graphTime(latest.activityDateTime) ?? new Date(0),
            action: (latest.provisioningAction ?? latest.action ?? "other").toLowerCase(),
            status: latest.provisioningStatusInfo?.status ?? "unknown",
            detail: describe(latest),
          },
    notes,
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
