import { expect, it } from "vitest";
import { createAlertRouteBook } from "#app/alert-routes.js";
import { createAlertDispatcher } from "#app/alerts/dispatcher.js";
import { parseOutboxPayload } from "#app/alerts/outbox-payload.js";
import { loadConfig } from "#config/load-config.js";
import type { AlertKind, SubscribedKinds } from "#core/chat/alerts/kinds.js";
import { randomIds } from "#core/ids.js";
import { silentLogger } from "#core/logger.js";
import type { FailureEntry, RunSummary } from "#core/ports/provisioning-engine.js";
import { createIncidentStore } from "#db/repositories/alert-repository.js";
import { createAlertRouteStore } from "#db/repositories/alert-route-repository.js";
import { createOutboxStore } from "#db/repositories/outbox-repository.js";
import { pendingApproval, quarantineBatch } from "#test/support/approvals.js";
import { ManualClock } from "#test/support/chat/fakes.js";
import { LINKS } from "#test/support/chat/harness.js";
import { describeEachDatabase, expectOk, freshConnection } from "#test/support/db.js";

/**
 * Every alert the product raises, dispatched through the real stores: each lands only in the
 * channels subscribed to its kind, a channel of `ABM_ALERT_CHANNELS` receives every kind, and a
 * configured channel narrowed from chat receives only what it was narrowed to.
 */
const T0 = new Date("2026-03-02T09:00:00Z");
const SLACK_CONFIGURED = "CCONFIGURED";
const SLACK_NARROWED = "CNARROWED";

function failures(count: number): FailureEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    entraId: `id-${i}`,
    userName: `user${i}@example.com`,
    action: "create",
    code: "validation.missing_given_name",
    reason: "Missing given name",
    fix: "Set givenName in Entra",
    attempts: 1,
    lastAttemptAt: T0,
    nextRetryAt: null,
  }));
}

const run = (id: string, outcome: RunSummary["outcome"], created: number, error: RunSummary["error"] = null) => ({
  id,
  kind: "incremental" as const,
  trigger: "schedule" as const,
  actor: "system",
  startedAt: T0,
  finishedAt: T0,
  outcome,
  counts: { created, adopted: 0, updated: 2, deactivated: 0, deleted: 0, skipped: 0, failed: 3, held: 0 },
  error,
});

describeEachDatabase("the dispatcher routes each alert kind to its subscribers", (current) => {
  it("errors, deletions, tokens and runs each reach only the channels subscribed to them", async () => {
    const { db } = current();
    const connectionId = await freshConnection(db);
    const clock = new ManualClock(T0);
    const now = () => clock.now();
    const config = loadConfig({
      SLACK_BOT_TOKEN: "xoxb-routes",
      SLACK_SIGNING_SECRET: "routes-signing-secret",
      ABM_ALERT_CHANNELS: `slack:${SLACK_CONFIGURED},slack:${SLACK_NARROWED}`,
    });
    if (!config.ok) throw config.error;
    const routes = createAlertRouteBook(config.value.connections[0], createAlertRouteStore(db, connectionId, now));
    const subscribe = async (channelId: string, kinds: SubscribedKinds) =>
      expectOk(await routes.set({ platform: "slack", channelId }, kinds, "UOPERATOR"));
    await subscribe("CERRORS", ["errors"]);
    await subscribe("CDELETIONS", ["deletions"]);
    await subscribe("CTOKENS", ["tokens"]);
    await subscribe("CRUNS", ["runs"]);
    await subscribe("CALL", "all");
    await subscribe("CDELETIONS_TOKENS", ["deletions", "tokens"]);
    await subscribe(SLACK_NARROWED, ["tokens"]);
    const outbox = createOutboxStore(db, connectionId);
    const dispatcher = createAlertDispatcher({
      incidents: createIncidentStore(db, connectionId, now),
      outbox,
      routes,
      config: { links: LINKS },
      clock,
      ids: randomIds,
      logger: silentLogger,
    });

    // errors: users failing, a failed cycle, a quarantine; runs: a run that created users
    expectOk(
      await dispatcher.dispatch({
        type: "cycle_finished",
        at: T0,
        run: run("run_1", "partial", 4),
        failures: failures(3),
      }),
    );
    const failedRun = run("run_2", "failed", 0, { code: "graph.unavailable", message: "Graph is down" });
    expectOk(await dispatcher.dispatch({ type: "cycle_finished", at: T0, run: failedRun, failures: [] }));
    expectOk(
      await dispatcher.dispatch({
        type: "quarantine_entered",
        at: T0,
        quarantine: { reason: "too many deletes", since: T0, nextAttemptAt: null },
      }),
    );
    // deletions: a held batch, then its decision (the refresh of the posted message)
    const approval = pendingApproval(quarantineBatch(600), { id: "apr_routes" });
    expectOk(await dispatcher.dispatch({ type: "deletions_held", at: T0, approval }));
    expectOk(
      await dispatcher.handleEngineEvent({
        type: "approval_changed",
        approval: { ...approval, status: "approved", decidedAt: T0 },
      }),
    );
    // tokens: expiry warning and a rejected token
    expectOk(await dispatcher.checkToken(new Date(T0.getTime() + 5 * 86_400_000)));
    expectOk(await dispatcher.tokenRejected("401 Unauthorized"));

    const queued = expectOk(
      await outbox.claimDue({ now: new Date(T0.getTime() + 60_000), limit: 500, lockMs: 60_000 }),
    );
    const kindOf = (payload: unknown): AlertKind => {
      const parsed = parseOutboxPayload(payload);
      if (parsed === null) throw new Error("unreadable outbox payload");
      if (parsed.kind === "post") return "runs";
      const key = parsed.incidentKey;
      if (key.startsWith("approval:")) return "deletions";
      if (key.startsWith("token:")) return "tokens";
      return "errors";
    };
    const byChannel = new Map<string, Set<AlertKind>>();
    for (const entry of queued) {
      const kinds = byChannel.get(entry.channelId) ?? new Set<AlertKind>();
      kinds.add(kindOf(entry.payload));
      byChannel.set(entry.channelId, kinds);
    }
    const sorted = (channel: string) => [...(byChannel.get(channel) ?? [])].sort();
    expect(sorted("CERRORS")).toEqual(["errors"]);
    expect(sorted("CDELETIONS")).toEqual(["deletions"]);
    expect(sorted("CTOKENS")).toEqual(["tokens"]);
    expect(sorted("CRUNS")).toEqual(["runs"]);
    expect(sorted("CDELETIONS_TOKENS")).toEqual(["deletions", "tokens"]);
    expect(sorted("CALL")).toEqual(["deletions", "errors", "runs", "tokens"]);
    expect(sorted(SLACK_CONFIGURED)).toEqual(["deletions", "errors", "runs", "tokens"]);
    expect(sorted(SLACK_NARROWED)).toEqual(["tokens"]);
    // the deletion channel got the approval message and its refresh, nothing else
    const deletions = queued
      .filter((e) => e.channelId === "CDELETIONS")
      .map((e) => parseOutboxPayload(e.payload)?.kind);
    expect(deletions.sort()).toEqual(["parent", "refresh_approval"]);
    // the runs channel got one note, for the run that created users (not for the failed one)
    const notes = queued.filter((e) => e.channelId === "CRUNS");
    expect(notes).toHaveLength(1);
    expect(JSON.stringify(notes[0]?.payload)).toContain("run_1");
  });

  it("`alerts here` changes the kinds of a route in place; `alerts off` removes it", async () => {
    const { db } = current();
    const connectionId = await freshConnection(db);
    const clock = new ManualClock(T0);
    const store = createAlertRouteStore(db, connectionId, () => clock.now());
    const here = { platform: "teams", channelId: "19:ops@thread.tacv2" } as const;
    expect(expectOk(await store.set(here, ["deletions"], "29:olga"))).toBe("added");
    expect(expectOk(await store.set(here, ["deletions"], "29:olga"))).toBe("unchanged");
    clock.advance(60_000);
    expect(expectOk(await store.set(here, ["tokens", "deletions"], "29:bob"))).toBe("changed");
    expect(expectOk(await store.list())).toEqual([
      { ...here, kinds: ["deletions", "tokens"], setBy: "29:bob", setAt: clock.now() },
    ]);
    expect(expectOk(await store.set(here, "all", "29:bob"))).toBe("changed");
    expect(expectOk(await store.list()).map((r) => r.kinds)).toEqual(["all"]);
    expect(expectOk(await store.remove(here))).toBe(true);
    expect(expectOk(await store.list())).toEqual([]);
  });
});
