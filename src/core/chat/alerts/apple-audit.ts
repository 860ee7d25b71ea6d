import { hash } from "node:crypto";
import { type AppleOrganization, organizationWords } from "../../organization.js";
import type { AppleAuditEvent } from "../../ports/apple-directory.js";
import { truncate } from "../../sync/text-safety.js";
import { type ChatLinks, code, count, countedList, formatTime, linksBlock, plain } from "../format.js";
import type { Reply } from "../reply.js";
import { type AlertAction, type IncidentRecord, opened, seenAgain } from "./incidents.js";
import { followUp } from "./messages.js";

/**
 * Apple's audit log as alerts (subscription kind `apple`). Of Apple's 33 event types, these are the
 * surprises an admin of the sync must hear about, one thread per group: accounts a PERSON added or
 * deleted in ABM (outside the sync), role and location changes, domain changes, API account changes,
 * and anything that FAILED. Device, configuration and purchase events are not alerts.
 */
export const AUDIT_GROUPS = ["accounts", "roles", "domains", "api_accounts", "failures"] as const;

export type AuditGroup = (typeof AUDIT_GROUPS)[number];

/** a thread with no new event for this long is closed; the next event of its group opens a new one */
export const AUDIT_QUIET_MS = 24 * 3_600_000;

/** events listed in one message; the rest are counted */
const LIST_LIMIT = 10;

/** The group of an event that is an alert, or null (not an alert). */
export function auditGroupOf(event: AppleAuditEvent): AuditGroup | null {
  if (event.outcome === "FAILURE") return "failures";
  if ((event.type === "ACCOUNT_ADDED" || event.type === "ACCOUNT_DELETED") && event.actorType === "USER")
    return "accounts";
  if (event.type === "ACCOUNT_ROLE_LOCATION_CHANGED") return "roles";
  if (event.type.startsWith("DOMAIN_")) return "domains";
  if (event.type.startsWith("API_ACCOUNT_")) return "api_accounts";
  return null;
}

interface GroupWords {
  readonly title: string;
  /** what it means for the sync and what to do */
  readonly meaning: string;
}

function groupWords(group: AuditGroup, organization: AppleOrganization): GroupWords {
  const apple = organizationWords(organization).short;
  switch (group) {
    case "accounts":
      return {
        title: `Accounts added or deleted by hand in ${apple}`,
        meaning: `A person changed these accounts in ${apple} directly, outside the Entra sync. The sync does not update or deactivate accounts it did not make, and an account it made that is changed by hand no longer matches Entra. Make such changes in Entra instead; \`reconcile\` lists every account that differs.`,
      };
    case "roles":
      return {
        title: `Roles or locations changed in ${apple}`,
        meaning: `An account's role or location changed. The sync skips accounts with an administrator or manager role (it neither updates nor deactivates them); \`reconcile\` lists them.`,
      };
    case "domains":
      return {
        title: `Domains changed in ${apple}`,
        meaning: `Only users of verified domains can be synced: users of a removed or unverified domain start failing (\`scim.domain\`). Check that \`ABM_VERIFIED_DOMAINS\` and Entra's user principal names still match.`,
      };
    case "api_accounts":
      return {
        title: `API accounts changed in ${apple}`,
        meaning: `API accounts read your organization's users, devices and audit log. Make sure each change was expected. If the key of this service's own API account was revoked, \`reconcile\` and these alerts stop until \`APPLE_API_KEY_ID\` and \`APPLE_API_PRIVATE_KEY\` name a new key.`,
      };
    case "failures":
      return {
        title: `Actions that failed in ${apple}`,
        meaning: `${apple} recorded these actions as failed. Open ${apple} → Activity for the details.`,
      };
  }
}

const ACTIONS: ReadonlyMap<string, string> = new Map(
  Object.entries({
    ACCOUNT_ADDED: "added the account",
    ACCOUNT_DELETED: "deleted the account",
    ACCOUNT_ROLE_LOCATION_CHANGED: "changed the role or location of",
    DOMAIN_ADDED: "added the domain",
    DOMAIN_REMOVED: "removed the domain",
    DOMAIN_VERIFIED: "verified the domain",
    API_ACCOUNT_CREATED_WITH_KEY: "created the API account (with a key)",
    API_ACCOUNT_CREATED_WITHOUT_KEY: "created the API account",
    API_ACCOUNT_DELETED: "deleted the API account",
    API_ACCOUNT_KEY_GENERATED: "generated a key for the API account",
    API_ACCOUNT_KEY_REVOKED: "revoked the key of the API account",
    API_ACCOUNT_NAME_CHANGED: "renamed the API account",
    API_ACCOUNT_ROLE_LOCATION_CHANGED: "changed the role or location of the API account",
  }),
);

const ACTORS: ReadonlyMap<string, string> = new Map([
  ["USER", "an administrator"],
  ["API_USER", "an API account"],
  ["SYSTEM", "Apple"],
]);

/** `2026-12-03 10:02 UTC · Ada Admin deleted the account jane@contoso.com (ACCOUNT_DELETED)`; markup in names is removed. */
export function describeAuditEvent(event: AppleAuditEvent): string {
  const who = event.actorName ?? ACTORS.get(event.actorType) ?? event.actorType.toLowerCase();
  const action = ACTIONS.get(event.type) ?? `did ${event.type.toLowerCase().replaceAll("_", " ")} on`;
  const subject = event.subjectName ?? (event.subjectType === null ? "" : event.subjectType.toLowerCase());
  const failed = event.outcome === "FAILURE" ? " — **failed**" : "";
  // bidi controls could make a name read as another (U+202E) in Slack and Teams
  const line = plain(`${who} ${action} ${subject}`)
    .replace(/[\u202a-\u202e\u2066-\u2069]/g, "")
    .trim();
  return `${formatTime(event.at)} · ${truncate(line, 300)}${failed} ${code(plain(event.type))}`;
}

function parent(
  incident: IncidentRecord,
  group: AuditGroup,
  latest: readonly AppleAuditEvent[],
  links: ChatLinks,
): Reply {
  const words = groupWords(group, links.organization);
  const seen = `${count(incident.count, "event")} since ${formatTime(incident.openedAt)}, the last ${formatTime(incident.lastSeenAt)}. Later events are threaded here.`;
  return {
    fallbackText: `${incident.count} audit events: ${words.title}`,
    blocks: [
      { type: "header", text: words.title },
      { type: "text", text: words.meaning },
      countedList(latest.slice(-LIST_LIMIT).map(describeAuditEvent), latest.length, LIST_LIMIT, "Latest"),
      { type: "context", text: seen },
      ...linksBlock(links, ["activity"]),
    ],
    visibility: "channel",
    tone: group === "accounts" || group === "roles" ? "warning" : "danger",
  };
}

function quietParent(incident: IncidentRecord, group: AuditGroup, at: Date, links: ChatLinks): Reply {
  const words = groupWords(group, links.organization);
  return {
    fallbackText: `${words.title}: ${incident.count} audit events, quiet since ${formatTime(incident.lastSeenAt)}`,
    blocks: [
      { type: "header", text: words.title },
      {
        type: "text",
        text: `${count(incident.count, "event")} from ${formatTime(incident.openedAt)} to ${formatTime(incident.lastSeenAt)}; none since (closed ${formatTime(at)}).`,
      },
    ],
    visibility: "channel",
    tone: "info",
  };
}

/** the events a message lists, as a short stable key (the same events planned again give the same key) */
function contentOf(events: readonly AppleAuditEvent[]): string {
  const ids = events.map((event) => event.id).sort();
  return `events:${hash("sha256", ids.join("\n"), "hex").slice(0, 24)}`;
}

const groupOfKey = (key: string): AuditGroup | null => AUDIT_GROUPS.find((group) => key === `apple:${group}`) ?? null;

/**
 * The actions for the audit events read in one poll (`events`: only those never alerted before).
 * Per group one parent message; more events of an open group are threaded under it and counted on
 * the parent; a group quiet for a day is closed, and its next event opens a new thread.
 */
export function auditActions(
  open: ReadonlyMap<string, IncidentRecord>,
  at: Date,
  events: readonly AppleAuditEvent[],
  links: ChatLinks,
): AlertAction[] {
  const byGroup = new Map<AuditGroup, AppleAuditEvent[]>();
  for (const event of events) {
    const group = auditGroupOf(event);
    if (group !== null) byGroup.set(group, [...(byGroup.get(group) ?? []), event]);
  }
  const actions: AlertAction[] = [];
  const quiet = (incident: IncidentRecord): boolean => at.getTime() - incident.lastSeenAt.getTime() >= AUDIT_QUIET_MS;
  const current = new Map(open);
  for (const incident of open.values()) {
    const group = incident.kind === "apple_audit" ? groupOfKey(incident.key) : null;
    if (group === null || !quiet(incident)) continue;
    const closed: IncidentRecord = { ...incident, status: "resolved", resolvedAt: at };
    actions.push({
      type: "resolve",
      key: incident.key,
      incident: closed,
      parent: quietParent(closed, group, at, links),
      followUp: followUp("No new events of this kind for a day; the next one starts a new thread.", "info"),
    });
    current.delete(incident.key);
  }
  for (const group of AUDIT_GROUPS) {
    const fresh = byGroup.get(group);
    if (fresh === undefined) continue;
    const key = `apple:${group}`;
    const title = groupWords(group, links.organization).title;
    const existing = current.get(key);
    if (existing === undefined) {
      const incident = opened(key, "apple_audit", title, at, fresh.length);
      actions.push({
        type: "post_parent",
        key,
        incident,
        reply: parent(incident, group, fresh, links),
        contentKey: contentOf(fresh),
      });
      continue;
    }
    const incident = seenAgain(existing, at, existing.count + fresh.length);
    const reply: Reply = {
      fallbackText: `${fresh.length} more audit events: ${title}`,
      blocks: [
        countedList(fresh.map(describeAuditEvent), fresh.length, LIST_LIMIT, `${count(fresh.length, "more event")}`),
      ],
      visibility: "channel",
      tone: "info",
    };
    actions.push({
      type: "post_follow_up",
      key,
      incident,
      reply,
      parent: parent(incident, group, fresh, links),
      contentKey: contentOf(fresh),
    });
  }
  return actions;
}
