import type { RoleEntry } from "#core/chat/roles.js";
import { err, ok, type Result } from "#core/result.js";
import type { AlertRoute } from "./config.js";
import type { Invalid } from "./invalid.js";
import { isDomainName, isGuid } from "./parse-scalars.js";

const SLACK_CHANNEL = /^[CGD][A-Z0-9]{2,}$/;
const SLACK_USER = /^[UW][A-Z0-9]{2,20}$/;
const EMAIL = /^[^\s@,]{1,64}@[^\s@,]+\.[^\s@,]+$/;
const MAX_ITEMS = 500;

function items(text: string): string[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
}

function tooMany(count: number): Invalid | null {
  return count > MAX_ITEMS ? { reason: `has ${count} entries`, fix: `list at most ${MAX_ITEMS}` } : null;
}

/**
 * `slack:C012345,teams:19:abc@thread.tacv2`. Teams channel ids contain colons, so each entry is
 * split on its FIRST colon only. Duplicates are dropped.
 */
export function parseAlertRoutes(text: string): Result<readonly AlertRoute[], Invalid> {
  const list = items(text);
  const limit = tooMany(list.length);
  if (limit) return err(limit);
  const routes: AlertRoute[] = [];
  const bad: string[] = [];
  for (const item of list) {
    const colon = item.indexOf(":");
    const platform = colon < 0 ? item : item.slice(0, colon).toLowerCase();
    const channel = colon < 0 ? "" : item.slice(colon + 1).trim();
    if (platform !== "slack" && platform !== "teams") bad.push(`"${item}" has no slack: or teams: prefix`);
    else if (channel === "") bad.push(`"${item}" has no channel id`);
    else if (platform === "slack" && !SLACK_CHANNEL.test(channel)) {
      bad.push(`"${item}" is not a Slack channel id (C…, G… or D…, from the channel's About tab; not its name)`);
    } else if (platform === "teams" && /\s/.test(channel)) bad.push(`"${item}" has spaces in the Teams channel id`);
    else if (!routes.some((route) => route.platform === platform && route.channel === channel)) {
      routes.push({ platform, channel });
    }
  }
  if (bad.length > 0) {
    return err({
      reason: bad.join("; "),
      fix: "write platform:channel entries separated by commas, e.g. slack:C012345,teams:19:abc@thread.tacv2",
    });
  }
  return ok(routes);
}

/**
 * `ABM_VIEWERS` / `ABM_OPERATORS` / `ABM_APPROVERS`: Slack user ids (`U…`/`W…`), Entra object ids
 * (GUID), e-mail addresses, or `group:<entra group id>`. The only parser of role entries: it yields
 * the chat core's `RoleEntry` directly, normalised (GUIDs and e-mails lower-cased), duplicates dropped.
 */
export function parseRoleList(text: string): Result<readonly RoleEntry[], Invalid> {
  const list = items(text);
  const limit = tooMany(list.length);
  if (limit) return err(limit);
  const entries: RoleEntry[] = [];
  const bad: string[] = [];
  for (const item of list) {
    const entry = parseRoleEntry(item);
    if (entry === null) bad.push(`"${item}"`);
    else if (!entries.some((known) => known.kind === entry.kind && known.value === entry.value)) entries.push(entry);
  }
  if (bad.length > 0) {
    return err({
      reason: `has ${bad.join(", ")}: not a Slack user id, Entra object id, e-mail address or group:<id>`,
      fix: "list entries such as U012ABC, an Entra object id (GUID), ann@example.com or group:<Entra group object id>, separated by commas",
    });
  }
  return ok(entries);
}

function parseRoleEntry(item: string): RoleEntry | null {
  if (item.toLowerCase().startsWith("group:")) {
    const id = item.slice("group:".length).trim();
    return isGuid(id) ? { kind: "group", value: id.toLowerCase() } : null;
  }
  if (isGuid(item)) return { kind: "entraObjectId", value: item.toLowerCase() };
  if (SLACK_USER.test(item)) return { kind: "slackUser", value: item };
  if (EMAIL.test(item)) return { kind: "email", value: item.toLowerCase() };
  return null;
}

export function parseDomainList(text: string): Result<readonly string[], Invalid> {
  const list = items(text).map((item) => item.toLowerCase().replace(/^@/, ""));
  const limit = tooMany(list.length);
  if (limit) return err(limit);
  const bad = list.filter((domain) => !isDomainName(domain)).map((domain) => `"${domain}"`);
  if (bad.length > 0) {
    return err({
      reason: `has ${bad.join(", ")}: not a domain name`,
      fix: "list domains verified in ABM, separated by commas, e.g. example.com,example.org",
    });
  }
  return ok([...new Set(list)]);
}
