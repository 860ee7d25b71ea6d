import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateSlackMessage } from "#adapters/slack/index.js";
import { targetsFromEmulators } from "#app/connection.js";
import { type EmulatorPair, startEmulators } from "#app/emulators.js";
import type { RunningService } from "#app/runtime.js";
import { loadConfig } from "#config/load-config.js";
import { openRaw, postHead } from "#test/support/raw-http.js";
import { startTestService } from "#test/support/service.js";
import { until } from "#test/support/until.js";
import { type FakeSlackApi, startFakeSlackApi } from "../slack/support/fake-slack-api.js";
import { type ResponseSink, startResponseSink } from "../slack/support/response-sink.js";
import { blockActionBody, postSigned, sign, slashCommandBody } from "../slack/support/signed-request.js";

/**
 * The whole service as an admin meets it: `abm serve` wiring (HTTP, Slack adapter, native engine,
 * database, alert outbox) against the Graph and ABM emulators and a fake Slack Web API.
 * A mass unassignment over the threshold → an approval message in the alert channel → a viewer's
 * click refused → two approvers click at once → ABM deactivates each user once → message edited.
 */
const SECRET = "service-test-signing-secret-0123456789";
const CHANNEL = "CALERTS";
const SYSTEM = { id: "system", platform: "system" } as const;

describe("the service end to end (Slack, native engine, emulators, PGlite)", () => {
  let pair: EmulatorPair;
  let api: FakeSlackApi;
  let sink: ResponseSink;
  let service: RunningService;
  let groupId: string;
  let userIds: string[];

  beforeAll(async () => {
    pair = await startEmulators({ users: 30, seed: 11, problemRate: 0 });
    userIds = [...pair.graph.store.users.keys()];
    groupId = pair.graph.store.createGroup("ABM users").id;
    for (const id of userIds) pair.graph.store.addMember(groupId, id);
    pair.graph.store.assign(groupId);
    api = await startFakeSlackApi();
    sink = await startResponseSink();
    const config = loadConfig({
      SLACK_BOT_TOKEN: "xoxb-service-test",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: `${api.url}/`,
      ABM_ALERT_CHANNELS: `slack:${CHANNEL}`,
      ABM_OPERATORS: "UOPERATOR",
      ABM_APPROVERS: "UAPPROVER1,UAPPROVER2",
      DELETION_THRESHOLD: "3",
    });
    if (!config.ok) throw config.error;
    service = await startTestService({
      config: config.value,
      targets: { default: targetsFromEmulators(pair) },
    });
  });

  afterAll(async () => {
    await service?.stop();
    await Promise.allSettled([pair?.close(), api?.close(), sink?.close()]);
  });

  it("syncs the assigned group, answers /abm status and serves health, readiness and metrics", async () => {
    const run = await service.services.connections[0].engine.runCycle({ kind: "full", trigger: "cli", actor: SYSTEM });
    expect(run.ok && run.value.counts.created).toBe(30);
    expect(pair.abm.users()).toHaveLength(30);

    const ack = await postSigned(
      `${service.url}/slack/events`,
      slashCommandBody({ text: "status", userId: "UVIEWER", responseUrl: `${sink.url}/status` }),
      { secret: SECRET },
    );
    expect(ack.status).toBe(200);
    expect(ack.ms).toBeLessThan(3_000);
    const answer = await until("the status answer", () => sink.received.find((r) => r.path === "/status"));
    expect(JSON.stringify(answer.body)).toContain("Linked users");

    expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect(metrics).toMatch(/abm_sync_runs_total\{connection="default",kind="initial",outcome="succeeded"\} 1/);
  });

  it("refuses an operator's /abm pause signed for another workspace: 401, audited as refused, sync not paused", async () => {
    const foreign = await postSigned(
      `${service.url}/slack/events`,
      slashCommandBody({ text: "pause", userId: "UOPERATOR", responseUrl: `${sink.url}/foreign`, teamId: "TOTHER" }),
      { secret: SECRET },
    );
    expect(foreign.status).toBe(401);
    const status = await service.services.connections[0].engine.status();
    expect(status.ok && status.value.paused).toBe(false);
    const audit = await service.services.connections[0].audit.list({ limit: 5 });
    expect(audit.ok ? audit.value[0] : null).toMatchObject({
      actor: "UOPERATOR",
      platform: "slack",
      command: "slash_command",
      outcome: "refused",
      detail: "team TOTHER is not this workspace",
    });
  });

  it("holds a mass unassignment, posts the approval, refuses a viewer, applies once for racing approvers", async () => {
    const leaving = userIds.slice(0, 10);
    for (const id of leaving) pair.graph.store.removeMember(groupId, id);
    const run = await service.services.connections[0].engine.runCycle({
      kind: "incremental",
      trigger: "cli",
      actor: SYSTEM,
    });
    expect(run.ok && run.value.outcome).toBe("held");
    expect(pair.abm.users().filter((u) => u.active === false)).toHaveLength(0);

    const post = await until("the approval message", () =>
      api.byMethod("chat.postMessage").find((c) => JSON.stringify(c.body.blocks ?? "").includes("approval.approve")),
    );
    expect(post.body.channel).toBe(CHANNEL);
    expect(validateSlackMessage({ text: post.body.text, blocks: post.body.blocks })).toEqual([]);
    const pending = await service.services.connections[0].approvals.pending();
    const approvalId = pending?.id ?? "";
    expect(pending?.payload.kind === "native_batch" && pending.payload.removals).toHaveLength(10);
    const messageTs = await until(
      "the stored message ref",
      async () => (await service.services.connections[0].approvals.get(approvalId))?.messages[0]?.messageId,
    );

    const click = (userId: string, path: string) =>
      postSigned(
        `${service.url}/slack/events`,
        blockActionBody({
          userId,
          actionId: "approval.approve",
          value: approvalId,
          channelId: CHANNEL,
          messageTs,
          responseUrl: `${sink.url}${path}`,
        }),
        { secret: SECRET },
      );
    expect((await click("UVIEWER", "/viewer")).status).toBe(200);
    const refusal = await until("the refusal", () => sink.received.find((r) => r.path === "/viewer"));
    expect(JSON.stringify(refusal.body)).toMatch(/approver/i);
    expect(pair.abm.users().filter((u) => u.active === false)).toHaveLength(0);

    const [a, b] = await Promise.all([click("UAPPROVER1", "/a1"), click("UAPPROVER2", "/a2")]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await until("ten deactivations", () =>
      pair.abm.users().filter((u) => u.active === false).length === 10 ? true : undefined,
    );
    const history = await service.services.connections[0].engine.history(10);
    expect(history.ok && history.value.filter((r) => r.trigger === "approval")).toHaveLength(1);
    const patches = pair.abm.stats().byMethod.PATCH ?? {};
    expect(Object.values(patches).reduce((n, c) => n + c, 0)).toBe(10);
    const edited = await until("the edited message", () =>
      api.byMethod("chat.update").find((c) => c.body.ts === messageTs && /Approved/.test(JSON.stringify(c.body))),
    );
    expect(JSON.stringify(edited.body.blocks)).not.toContain("approval.approve");
  });

  it("withdraws a held batch when its users come back, and edits its message so nobody approves it", async () => {
    const leaving = userIds.slice(10, 15);
    for (const id of leaving) pair.graph.store.removeMember(groupId, id);
    const held = await service.services.connections[0].engine.runCycle({
      kind: "incremental",
      trigger: "cli",
      actor: SYSTEM,
    });
    expect(held.ok && held.value.outcome).toBe("held");
    const approvalId = (await service.services.connections[0].approvals.pending())?.id ?? "";
    const messageTs = await until(
      "the posted approval",
      async () => (await service.services.connections[0].approvals.get(approvalId))?.messages[0]?.messageId,
    );

    for (const id of leaving) pair.graph.store.addMember(groupId, id);
    const back = await service.services.connections[0].engine.runCycle({
      kind: "incremental",
      trigger: "cli",
      actor: SYSTEM,
    });
    expect(back.ok && back.value.counts).toMatchObject({ held: 0, deactivated: 0 });
    expect(await service.services.connections[0].approvals.pending()).toBeNull();
    expect((await service.services.connections[0].approvals.get(approvalId))?.status).toBe("withdrawn");
    const edited = await until("the withdrawn message edit", () =>
      api.byMethod("chat.update").find((c) => c.body.ts === messageTs && /withdrawn/i.test(JSON.stringify(c.body))),
    );
    expect(JSON.stringify(edited.body.blocks)).not.toContain("approval.approve");
    expect(pair.abm.users().filter((u) => u.active === false)).toHaveLength(10);
  });

  it("refuses an oversized unsigned body unread, and remembers accepted Slack signatures in the database", async () => {
    const raw = await openRaw(service.port);
    raw.socket.write(
      postHead("/slack/events", {
        "Content-Type": "application/x-www-form-urlencoded",
        "Content-Length": String(1024 * 1024),
      }),
    );
    expect(await raw.status(1_500)).toBe(413);
    expect(await raw.closed(1_500)).toBe(true);

    const body = slashCommandBody({ text: "help", userId: "UVIEWER", responseUrl: `${sink.url}/help` });
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = sign(SECRET, timestamp, body);
    const url = `${service.url}/slack/events`;
    expect((await postSigned(url, body, { secret: SECRET, timestamp, signature })).status).toBe(200);
    const replay = await postSigned(url, body, { secret: SECRET, timestamp, signature });
    expect(replay.status).toBe(401);
    expect(replay.body).toContain("slack.replayed_request");
    const rows = await service.services.database.db.execute(sql`select count(*)::int as n from seen_requests`);
    expect(JSON.stringify(rows)).toMatch(/"n":[1-9]/);
  });
});
