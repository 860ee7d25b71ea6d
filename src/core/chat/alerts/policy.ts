import { heldCount } from "../../approvals/approval.js";
import { organizationWords } from "../../organization.js";
import { renderApprovalMessage } from "../approval-message.js";
import { groupFailures } from "../commands/errors.js";
import { type ChatLinks, code, formatCounts, formatTime, plain } from "../format.js";
import type { Reply } from "../reply.js";
import { auditActions } from "./apple-audit.js";
import {
  type AlertAction,
  type AlertEvent,
  type IncidentRecord,
  opened,
  seenAgain,
  TOKEN_MILESTONES,
} from "./incidents.js";
import { failureParent, followUp, resolvedParent, simpleParent } from "./messages.js";

/**
 * Alerts instead of e-mail, as pure logic: given the open incidents and one event, decide what to
 * post. One parent per incident, follow-ups threaded, repeats counted, the parent edited on resolve.
 */
export interface AlertPolicyInput {
  /** the stored incidents (resolved ones are ignored) */
  readonly incidents: readonly IncidentRecord[];
  readonly event: AlertEvent;
  readonly links: ChatLinks;
}

const DAY_MS = 86_400_000;

function resolve(incident: IncidentRecord, at: Date, why: string): AlertAction {
  const closed: IncidentRecord = { ...incident, status: "resolved", resolvedAt: at };
  return {
    type: "resolve",
    key: incident.key,
    incident: closed,
    parent: resolvedParent(closed, at, why),
    followUp: followUp(`✅ Resolved: ${plain(why)}`, "success"),
  };
}

/** Opens the incident, or bumps its counter when it is already open. */
function openOrBump(
  open: ReadonlyMap<string, IncidentRecord>,
  fresh: IncidentRecord,
  render: (incident: IncidentRecord) => Reply,
): AlertAction {
  const existing = open.get(fresh.key);
  if (existing === undefined) return { type: "post_parent", key: fresh.key, incident: fresh, reply: render(fresh) };
  const bumped = seenAgain(existing, fresh.lastSeenAt, fresh.count);
  return { type: "bump", key: fresh.key, incident: bumped, parent: render(bumped) };
}

function cycleActions(
  open: ReadonlyMap<string, IncidentRecord>,
  event: Extract<AlertEvent, { type: "cycle_finished" }>,
  links: ChatLinks,
): AlertAction[] {
  const { run, at } = event;
  if (run.outcome === "running") return [];
  const actions: AlertAction[] = [];
  const groups = groupFailures(event.failures);
  const present = new Set(groups.map((group) => `failure:${group.code}`));
  for (const group of groups) {
    const key = `failure:${group.code}`;
    const title = `Users fail to sync: ${plain(group.reason)}`.slice(0, 140);
    const render = (incident: IncidentRecord): Reply => failureParent(incident, group, run.id, links);
    const existing = open.get(key);
    if (existing === undefined) {
      const incident = opened(key, "failures", title, at, group.count);
      actions.push({ type: "post_parent", key, incident, reply: render(incident) });
    } else if (group.count > existing.count) {
      const incident = seenAgain(existing, at, group.count);
      const more = group.count - existing.count;
      const reply = followUp(
        `${more} more users now fail with ${code(group.code)} (${group.count} in total).`,
        "danger",
      );
      actions.push({ type: "post_follow_up", key, incident, reply, parent: render(incident) });
    } else {
      const incident = seenAgain(existing, at, group.count);
      actions.push({ type: "bump", key, incident, parent: render(incident) });
    }
  }
  // a cycle that failed as a whole evaluated nobody: its empty failure list resolves nothing
  const evaluated = !(run.outcome === "failed" && run.error !== null);
  for (const incident of open.values()) {
    if (evaluated && incident.kind === "failures" && !present.has(incident.key)) {
      actions.push(resolve(incident, at, `No user fails with this reason any more (cycle ${run.id}).`));
    }
  }
  // a cycle the service's own shutdown stopped is not an incident: the next cycle (any replica) goes on
  const cycleKey = run.error === null || run.error.code === "engine.interrupted" ? null : `cycle:${run.error.code}`;
  if (run.outcome === "failed" && run.error !== null && cycleKey !== null) {
    const error = run.error;
    const fresh = opened(cycleKey, "cycle_error", "Sync cycle failed", at, 0);
    actions.push(
      openOrBump(open, fresh, (incident) =>
        simpleParent(
          incident,
          `Cycle ${code(run.id)} failed: ${plain(error.message)} (${code(error.code)}).`,
          "danger",
          links,
          ["entra", "activity"],
        ),
      ),
    );
  }
  if (run.outcome === "succeeded" || run.outcome === "partial") {
    for (const incident of open.values()) {
      if (incident.kind === "cycle_error" || incident.kind === "token_rejected") {
        actions.push(resolve(incident, at, `Cycle ${run.id} completed (${run.outcome}).`));
      }
    }
  }
  const note = runNote(run);
  if (note !== null) actions.push(note);
  return actions;
}

/** `runs`: one short note for a completed run that changed users in ABM (quiet runs say nothing). */
function runNote(run: Extract<AlertEvent, { type: "cycle_finished" }>["run"]): AlertAction | null {
  const c = run.counts;
  const changed = c.created + c.adopted + c.updated + c.deactivated + c.deleted;
  if (changed === 0 || (run.outcome !== "succeeded" && run.outcome !== "partial" && run.outcome !== "held"))
    return null;
  const text = `Run ${code(run.id)} (${run.kind}, ${run.trigger}) ${run.outcome}: ${formatCounts(c)}.`;
  return {
    type: "note",
    key: `run:${run.id}`,
    kind: "runs",
    reply: {
      fallbackText: text.replace(/\*\*|`/g, ""),
      blocks: [{ type: "context", text }],
      visibility: "channel",
      tone: run.outcome === "succeeded" ? "success" : "info",
    },
  };
}

function tokenActions(
  open: ReadonlyMap<string, IncidentRecord>,
  event: Extract<AlertEvent, { type: "token_check" }>,
  links: ChatLinks,
): AlertAction[] {
  const key = "token:expiring";
  const apple = organizationWords(links.organization);
  const days = Math.ceil((event.expiresAt.getTime() - event.at.getTime()) / DAY_MS);
  const existing = open.get(key);
  const milestone = days <= 0 ? 0 : ([...TOKEN_MILESTONES].reverse().find((m) => days <= m) ?? null);
  if (milestone === null) {
    return existing === undefined
      ? []
      : [resolve(existing, event.at, `The ${apple.short} token now expires ${formatTime(event.expiresAt)}.`)];
  }
  const what =
    days <= 0
      ? `The ${apple.short} SCIM token **expired** ${formatTime(event.expiresAt)}. The sync stops until a new token is set.`
      : `The ${apple.short} SCIM token expires in **${days} day${days === 1 ? "" : "s"}** (${formatTime(event.expiresAt)}).`;
  const fix = `Renew it with Apple's two-token overlap: create a second token in ${apple.short} → Preferences → Directory Sync → SCIM and set it as \`ABM_SCIM_TOKEN_NEXT\` (the service switches to it when the current one is refused), or as the Entra provisioning Secret Token with the entra engine. \`token\` shows the steps.`;
  const render = (incident: IncidentRecord): Reply =>
    simpleParent(incident, `${what}\n${fix}`, days <= 7 ? "danger" : "warning", links, ["directorySync", "entra"]);
  if (existing === undefined) {
    const incident = opened(key, "token_expiring", `${apple.short} token expiring`, event.at, days, milestone);
    return [{ type: "post_parent", key, incident, reply: render(incident) }];
  }
  if (existing.milestone !== null && milestone >= existing.milestone) return [];
  const incident: IncidentRecord = { ...seenAgain(existing, event.at, days), milestone };
  return [
    {
      type: "post_follow_up",
      key,
      incident,
      reply: followUp(what, days <= 7 ? "danger" : "warning"),
      parent: render(incident),
    },
  ];
}

/**
 * The SCIM client moved to the next token: announced once per token (every replica that switches
 * plans the same parent, which the outbox stores once), and the old token's warnings end.
 */
function switchActions(
  open: ReadonlyMap<string, IncidentRecord>,
  event: Extract<AlertEvent, { type: "token_switched" }>,
  links: ChatLinks,
): AlertAction[] {
  const key = `token:switched:${event.tokenId}`;
  if (open.has(key)) return [];
  const apple = organizationWords(links.organization);
  const expiry =
    event.expiresAt === null
      ? "Its expiry is not known: set `ABM_SCIM_TOKEN_NEXT_EXPIRES` so the expiry warnings count down for it."
      : `It expires ${formatTime(event.expiresAt)}; the expiry warnings now count down for it.`;
  const text = `${apple.short} refused the current SCIM token (401), so the sync now uses the next token (\`ABM_SCIM_TOKEN_NEXT\`) and keeps using it. ${expiry}\nFinish the rotation: revoke the old token in ${apple.name} → Preferences → Directory Sync, then move the new token to \`ABM_SCIM_TOKEN\` and unset \`ABM_SCIM_TOKEN_NEXT\`.`;
  const incident = opened(key, "token_switched", `${apple.short} SCIM token switched`, event.at, 0);
  const actions: AlertAction[] = [
    { type: "post_parent", key, incident, reply: simpleParent(incident, text, "warning", links, ["directorySync"]) },
  ];
  for (const old of ["token:expiring", "token:rejected"]) {
    const existing = open.get(old);
    if (existing !== undefined) actions.push(resolve(existing, event.at, "The sync switched to the next token."));
  }
  return actions;
}

/** Decides the actions for one event. Pure and deterministic (time comes from `event.at`). */
export function planAlerts(input: AlertPolicyInput): AlertAction[] {
  const open = new Map(input.incidents.filter((i) => i.status === "open").map((i) => [i.key, i] as const));
  const { event, links } = input;
  switch (event.type) {
    case "cycle_finished":
      return cycleActions(open, event, links);
    case "token_check":
      return tokenActions(open, event, links);
    case "token_switched":
      return switchActions(open, event, links);
    case "apple_audit":
      return auditActions(open, event.at, event.events, links);
    case "quarantine_entered": {
      const q = event.quarantine;
      const next = q.nextAttemptAt === null ? "" : ` Next attempt ${formatTime(q.nextAttemptAt)}.`;
      const fresh = opened("quarantine", "quarantine", "Sync quarantined", event.at, 0);
      return [
        openOrBump(open, fresh, (incident) =>
          simpleParent(
            incident,
            `The sync is quarantined since ${formatTime(q.since)}: ${plain(q.reason)}.${next}\nRun \`status\` for details.`,
            "danger",
            links,
            ["entra", "directorySync"],
          ),
        ),
      ];
    }
    case "quarantine_left": {
      const existing = open.get("quarantine");
      return existing === undefined ? [] : [resolve(existing, event.at, "The sync left quarantine.")];
    }
    case "deletions_held": {
      const key = `approval:${event.approval.id}`;
      if (open.has(key)) return [];
      const held = heldCount(event.approval.payload);
      const incident = opened(key, "deletions_held", "Deletions held for approval", event.at, held);
      return [{ type: "post_parent", key, incident, reply: renderApprovalMessage(event.approval, event.at, links) }];
    }
    case "token_rejected": {
      const fresh = opened(
        "token:rejected",
        "token_rejected",
        `${organizationWords(links.organization).short} rejected the SCIM token`,
        event.at,
        0,
      );
      return [
        openOrBump(open, fresh, (incident) =>
          simpleParent(
            incident,
            `${organizationWords(links.organization).short} answered 401: ${plain(event.detail)}\nGenerate a new token in ${organizationWords(links.organization).name} → Preferences → Directory Sync and update \`ABM_SCIM_TOKEN\`.`,
            "danger",
            links,
            ["directorySync"],
          ),
        ),
      ];
    }
  }
}
