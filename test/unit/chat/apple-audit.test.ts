import { describe, expect, it } from "vitest";
import { AUDIT_QUIET_MS, auditGroupOf, describeAuditEvent } from "#core/chat/alerts/apple-audit.js";
import type { AlertAction, IncidentRecord } from "#core/chat/alerts/incidents.js";
import { alertKindOf } from "#core/chat/alerts/kinds.js";
import { planAlerts } from "#core/chat/alerts/policy.js";
import type { AppleAuditEvent } from "#core/ports/apple-directory.js";
import { findUnsafeCharacter } from "#core/sync/text-safety.js";
import { replyText } from "#test/support/chat/fakes.js";
import { LINKS } from "#test/support/chat/harness.js";

const T0 = new Date("2026-12-03T10:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function event(id: string, type: string, extra: Partial<AppleAuditEvent> = {}): AppleAuditEvent {
  return {
    id,
    at: at(-1),
    type,
    actorType: "USER",
    actorName: "Ada Admin",
    subjectType: "USER",
    subjectName: `${id}@contoso.com`,
    outcome: "SUCCESS",
    ...extra,
  };
}

/** feeds the actions' incidents back in, as the dispatcher stores them */
function stored(previous: readonly IncidentRecord[], actions: readonly AlertAction[]): IncidentRecord[] {
  const byKey = new Map(previous.map((i) => [i.key, i] as const));
  for (const action of actions) if (action.type !== "note") byKey.set(action.key, action.incident);
  return [...byKey.values()];
}

const poll = (incidents: readonly IncidentRecord[], when: Date, events: readonly AppleAuditEvent[]) =>
  planAlerts({ incidents, event: { type: "apple_audit", at: when, events }, links: LINKS });

describe("Apple audit events as alerts", () => {
  it("alerts accounts a person added or deleted, roles, domains, API accounts and failures; nothing else", () => {
    expect(auditGroupOf(event("a", "ACCOUNT_ADDED"))).toBe("accounts");
    expect(auditGroupOf(event("a", "ACCOUNT_DELETED"))).toBe("accounts");
    // the sync's own accounts (SYSTEM) and an API account's are not surprises
    expect(auditGroupOf(event("a", "ACCOUNT_ADDED", { actorType: "SYSTEM" }))).toBeNull();
    expect(auditGroupOf(event("a", "ACCOUNT_DELETED", { actorType: "API_USER" }))).toBeNull();
    expect(auditGroupOf(event("a", "ACCOUNT_ROLE_LOCATION_CHANGED", { actorType: "SYSTEM" }))).toBe("roles");
    expect(auditGroupOf(event("a", "DOMAIN_REMOVED"))).toBe("domains");
    expect(auditGroupOf(event("a", "API_ACCOUNT_KEY_REVOKED"))).toBe("api_accounts");
    expect(auditGroupOf(event("a", "API_ACCOUNT_CREATED_WITH_KEY"))).toBe("api_accounts");
    expect(auditGroupOf(event("a", "DEVICE_IS_ERASED"))).toBeNull();
    expect(auditGroupOf(event("a", "DEVICE_IS_ERASED", { outcome: "FAILURE" }))).toBe("failures");
    expect(auditGroupOf(event("a", "ACCOUNT_ADDED", { actorType: "SYSTEM", outcome: "FAILURE" }))).toBe("failures");
  });

  it("describes an event in one line without the markup of names it did not write", () => {
    expect(describeAuditEvent(event("jane", "ACCOUNT_DELETED", { actorName: "Mal*lory* `x`" }))).toBe(
      "2026-12-03 09:59 UTC · Mallory x deleted the account jane@contoso.com `ACCOUNT_DELETED`",
    );
    expect(
      describeAuditEvent(
        event("k", "API_ACCOUNT_KEY_REVOKED", { actorName: null, actorType: "API_USER", subjectName: "MDM sync" }),
      ),
    ).toBe(
      "2026-12-03 09:59 UTC · an API account revoked the key of the API account MDM sync `API_ACCOUNT_KEY_REVOKED`",
    );
    expect(describeAuditEvent(event("x", "COLLECTION_UPDATED", { outcome: "FAILURE", subjectName: null }))).toBe(
      "2026-12-03 09:59 UTC · Ada Admin did collection updated on user — **failed** `COLLECTION_UPDATED`",
    );
  });

  it("never lets a name or an unknown type from the log become a link, a reversed name or code", () => {
    const spoof = describeAuditEvent(
      event("s", "constructor", { actorName: "[click](https://evil.example)", subjectName: "moc.osotnoc@\u202eadmin" }),
    );
    expect(spoof).toBe(
      "2026-12-03 09:59 UTC · click(https://evil.example) did constructor on moc.osotnoc@admin `constructor`",
    );
    const long = describeAuditEvent(event("l", "ACCOUNT_ADDED", { subjectName: `${"x".repeat(265)}😀😀😀😀😀😀` }));
    expect(findUnsafeCharacter(long)).toBeNull(); // never half an emoji (a lone surrogate) where the line is cut
    expect(long).toContain("xx😀"); // cut inside the emojis, whole ones kept
  });

  it("opens one thread per group, threads later events under it, counts them on the parent", () => {
    const first = poll([], T0, [
      event("u1", "ACCOUNT_ADDED"),
      event("u2", "ACCOUNT_DELETED"),
      event("d1", "DOMAIN_REMOVED", { subjectType: "DOMAIN", subjectName: "old.contoso.com" }),
      event("dev", "DEVICE_ADDED_TO_ORG"),
    ]);
    expect(first.map((a) => [a.type, a.key])).toEqual([
      ["post_parent", "apple:accounts"],
      ["post_parent", "apple:domains"],
    ]);
    expect(first.every((a) => alertKindOf(a) === "apple")).toBe(true);
    const accounts = first[0];
    if (accounts?.type !== "post_parent") throw new Error("expected a parent");
    const text = replyText(accounts.reply);
    expect(text).toContain("Accounts added or deleted by hand in ABM");
    expect(text).toContain("Ada Admin added the account u1@contoso.com");
    expect(text).toContain("Ada Admin deleted the account u2@contoso.com");
    expect(text).toContain("outside the Entra sync");
    expect(accounts.incident.count).toBe(2);

    const incidents = stored([], first);
    const second = poll(incidents, at(5), [event("u3", "ACCOUNT_ADDED")]);
    expect(second.map((a) => [a.type, a.key])).toEqual([["post_follow_up", "apple:accounts"]]);
    const more = second[0];
    if (more?.type !== "post_follow_up") throw new Error("expected a follow-up");
    expect(replyText(more.reply)).toContain("u3@contoso.com");
    expect(more.incident.count).toBe(3);
    expect(replyText(more.parent)).toContain("3 events since 2026-12-03 10:00 UTC");

    // nothing new: nothing posted
    expect(poll(stored(incidents, second), at(10), [])).toEqual([]);
  });

  it("closes a thread quiet for a day; the next event of its group opens a new one", () => {
    const opened = stored([], poll([], T0, [event("u1", "ACCOUNT_ADDED")]));
    expect(poll(opened, new Date(T0.getTime() + AUDIT_QUIET_MS - 60_000), [])).toEqual([]);
    const quiet = poll(opened, new Date(T0.getTime() + AUDIT_QUIET_MS), []);
    expect(quiet.map((a) => [a.type, a.key])).toEqual([["resolve", "apple:accounts"]]);
    const later = new Date(T0.getTime() + 2 * AUDIT_QUIET_MS);
    const again = poll(opened, later, [event("u9", "ACCOUNT_DELETED")]);
    expect(again.map((a) => [a.type, a.key])).toEqual([
      ["resolve", "apple:accounts"],
      ["post_parent", "apple:accounts"],
    ]);
    const reopened = again[1];
    expect(reopened?.type === "post_parent" && reopened.incident.openedAt).toEqual(later);
  });
});
