import { describe, expect, it } from "vitest";
import type { AlertAction, AlertEvent, IncidentRecord } from "#core/chat/alerts/incidents.js";
import { alertKindOf } from "#core/chat/alerts/kinds.js";
import { planAlerts } from "#core/chat/alerts/policy.js";
import type { FailureEntry, RunSummary } from "#core/ports/provisioning-engine.js";
import { pendingApproval, quarantineBatch } from "#test/support/approvals.js";
import { replyText } from "#test/support/chat/fakes.js";
import { LINKS } from "#test/support/chat/harness.js";
import { ZERO } from "#test/support/chat/in-memory-engine.js";

const T0 = new Date("2026-03-01T10:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

function run(id: string, outcome: RunSummary["outcome"] = "partial", error: RunSummary["error"] = null): RunSummary {
  return {
    id,
    kind: "incremental",
    trigger: "schedule",
    actor: "system",
    startedAt: T0,
    finishedAt: T0,
    outcome,
    counts: ZERO,
    error,
  };
}

function failures(count: number, code = "validation.missing_given_name"): FailureEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    entraId: `id-${i}`,
    userName: `user${i}@example.com`,
    action: "create",
    code,
    reason: "Missing given name",
    fix: "Set givenName in Entra",
    attempts: 1,
    lastAttemptAt: T0,
    nextRetryAt: null,
  }));
}

/** Applies actions to a store the way the dispatcher would. */
function step(store: Map<string, IncidentRecord>, event: AlertEvent): AlertAction[] {
  const actions = planAlerts({ incidents: [...store.values()], event, links: LINKS });
  for (const action of actions) if (action.type !== "note") store.set(action.key, action.incident);
  return actions;
}

describe("alert policy", () => {
  it("500 failures → one incident; same next cycle → counter; more users → threaded follow-up; gone → parent edited", () => {
    const store = new Map<string, IncidentRecord>();
    const first = step(store, { type: "cycle_finished", at: at(0), run: run("run_1"), failures: failures(500) });
    expect(first.map((a) => a.type)).toEqual(["post_parent"]);
    const parent = first[0]?.type === "post_parent" ? first[0].reply : null;
    expect(replyText(parent)).toContain("500 users fail to sync");
    expect(replyText(parent)).toContain("Set givenName in Entra");
    expect(parent?.blocks.find((b) => b.type === "list")).toMatchObject({ total: 500 });

    const second = step(store, { type: "cycle_finished", at: at(40), run: run("run_2"), failures: failures(500) });
    expect(second.map((a) => a.type)).toEqual(["bump"]);
    expect(store.get("failure:validation.missing_given_name")?.occurrences).toBe(2);

    const third = step(store, { type: "cycle_finished", at: at(80), run: run("run_3"), failures: failures(520) });
    expect(third.map((a) => a.type)).toEqual(["post_follow_up"]);
    expect(third[0]?.type === "post_follow_up" && replyText(third[0].reply)).toContain("20 more users");

    const fourth = step(store, { type: "cycle_finished", at: at(120), run: run("run_4", "succeeded"), failures: [] });
    expect(fourth.map((a) => a.type)).toEqual(["resolve"]);
    expect(fourth[0]?.type === "resolve" && replyText(fourth[0].parent)).toContain("Resolved");
    expect(store.get("failure:validation.missing_given_name")?.status).toBe("resolved");

    const again = step(store, { type: "cycle_finished", at: at(160), run: run("run_5"), failures: failures(3) });
    expect(again.map((a) => a.type)).toEqual(["post_parent"]);
  });

  it("groups by reason code: two codes → two incidents", () => {
    const store = new Map<string, IncidentRecord>();
    const actions = step(store, {
      type: "cycle_finished",
      at: at(0),
      run: run("run_1"),
      failures: [...failures(3), ...failures(2, "scim.conflict")],
    });
    expect(actions.map((a) => a.key).sort()).toEqual([
      "failure:scim.conflict",
      "failure:validation.missing_given_name",
    ]);
  });

  it("a failed cycle opens an incident that the next good cycle resolves", () => {
    const store = new Map<string, IncidentRecord>();
    const failed = step(store, {
      type: "cycle_finished",
      at: at(0),
      run: run("run_1", "failed", { code: "graph.transient", message: "Graph down" }),
      failures: [],
    });
    expect(failed.map((a) => `${a.type}:${a.key}`)).toEqual(["post_parent:cycle:graph.transient"]);
    const repeat = step(store, {
      type: "cycle_finished",
      at: at(40),
      run: run("run_2", "failed", { code: "graph.transient", message: "Graph down" }),
      failures: [],
    });
    expect(repeat.map((a) => a.type)).toEqual(["bump"]);
    const ok = step(store, { type: "cycle_finished", at: at(80), run: run("run_3", "succeeded"), failures: [] });
    expect(ok.map((a) => `${a.type}:${a.key}`)).toEqual(["resolve:cycle:graph.transient"]);
  });

  it("a cycle the service's shutdown interrupted opens no incident and resolves nothing", () => {
    const store = new Map<string, IncidentRecord>();
    step(store, { type: "cycle_finished", at: at(0), run: run("run_1"), failures: failures(3) });
    const interrupted = step(store, {
      type: "cycle_finished",
      at: at(40),
      run: run("run_2", "failed", { code: "engine.interrupted", message: "The service is stopping" }),
      failures: [],
    });
    expect(interrupted).toEqual([]);
    expect(store.get("failure:validation.missing_given_name")?.status).toBe("open");
  });

  it("a cycle that failed as a whole (a store write failed) keeps the users' failure incidents open", () => {
    const store = new Map<string, IncidentRecord>();
    step(store, { type: "cycle_finished", at: at(0), run: run("run_1"), failures: failures(3) });
    const failed = step(store, {
      type: "cycle_finished",
      at: at(40),
      run: run("run_2", "failed", { code: "db.query_failed", message: "save links: query failed" }),
      failures: [],
    });
    expect(failed.map((a) => `${a.type}:${a.key}`)).toEqual(["post_parent:cycle:db.query_failed"]);
    expect(store.get("failure:validation.missing_given_name")?.status).toBe("open");
  });

  it("quarantine entered/left", () => {
    const store = new Map<string, IncidentRecord>();
    const quarantine = { reason: "TooManyDeletes", since: T0, nextAttemptAt: null };
    expect(step(store, { type: "quarantine_entered", at: at(0), quarantine }).map((a) => a.type)).toEqual([
      "post_parent",
    ]);
    expect(step(store, { type: "quarantine_entered", at: at(5), quarantine }).map((a) => a.type)).toEqual(["bump"]);
    expect(step(store, { type: "quarantine_left", at: at(10) }).map((a) => a.type)).toEqual(["resolve"]);
    expect(step(store, { type: "quarantine_left", at: at(11) })).toEqual([]);
  });

  it("deletion threshold breach posts the approval message once", () => {
    const store = new Map<string, IncidentRecord>();
    const approval = pendingApproval(
      quarantineBatch(600, { episodeBegan: "x", runId: "run_1", reason: "cycle run_1, scope assigned" }),
      { requiredApprovals: 2, requestedAt: T0, expiresAt: at(24 * 60) },
    );
    const first = step(store, { type: "deletions_held", at: at(0), approval });
    expect(first[0]?.type === "post_parent" && replyText(first[0].reply)).toContain("600 users");
    expect(step(store, { type: "deletions_held", at: at(1), approval })).toEqual([]);
  });

  it("token expiry warns at 60, 30, 7 and 1 days, each once, then expired; renewal resolves", () => {
    const store = new Map<string, IncidentRecord>();
    const expiresAt = new Date("2026-06-01T00:00:00Z");
    const check = (daysBefore: number) =>
      step(store, { type: "token_check", at: new Date(expiresAt.getTime() - daysBefore * 86_400_000), expiresAt }).map(
        (a) => a.type,
      );
    expect(check(90)).toEqual([]);
    expect(check(60)).toEqual(["post_parent"]);
    expect(check(45)).toEqual([]);
    expect(check(30)).toEqual(["post_follow_up"]);
    expect(check(29)).toEqual([]);
    expect(check(7)).toEqual(["post_follow_up"]);
    expect(check(1)).toEqual(["post_follow_up"]);
    expect(check(0)).toEqual(["post_follow_up"]);
    expect(check(-1)).toEqual([]);
    const renewed = planAlerts({
      incidents: [...store.values()],
      event: { type: "token_check", at: expiresAt, expiresAt: new Date(expiresAt.getTime() + 365 * 86_400_000) },
      links: LINKS,
    });
    expect(renewed.map((a) => a.type)).toEqual(["resolve"]);
  });

  it("token rejected opens an incident resolved by the next good cycle", () => {
    const store = new Map<string, IncidentRecord>();
    expect(step(store, { type: "token_rejected", at: at(0), detail: "401 Unauthorized" }).map((a) => a.type)).toEqual([
      "post_parent",
    ]);
    expect(
      step(store, { type: "cycle_finished", at: at(40), run: run("run_2", "succeeded"), failures: [] }).map(
        (a) => a.key,
      ),
    ).toEqual(["token:rejected"]);
  });

  it("runs: one note for a completed run that changed users, none for a quiet or failed run; every action has one kind", () => {
    const changed = { ...run("run_7", "succeeded"), counts: { ...ZERO, created: 3, updated: 1 } };
    const actions = planAlerts({
      incidents: [],
      event: { type: "cycle_finished", at: T0, run: changed, failures: [] },
      links: LINKS,
    });
    expect(actions.map((a) => [a.type, alertKindOf(a)])).toEqual([["note", "runs"]]);
    const note = actions[0];
    expect(note?.type === "note" && replyText(note.reply)).toContain("3 created, 1 updated");
    const quiet = planAlerts({
      incidents: [],
      event: { type: "cycle_finished", at: T0, run: run("run_8", "succeeded"), failures: [] },
      links: LINKS,
    });
    expect(quiet).toEqual([]);
    const failedRun = {
      ...run("run_9", "failed", { code: "graph.unavailable", message: "down" }),
      counts: { ...ZERO, created: 2 },
    };
    const failed = planAlerts({
      incidents: [],
      event: { type: "cycle_finished", at: T0, run: failedRun, failures: failures(1) },
      links: LINKS,
    });
    expect(failed.map((a) => alertKindOf(a))).toEqual(["errors", "errors"]);
  });
});
