import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { targetsFromEmulators } from "#app/connection.js";
import { type EmulatorPair, startEmulators } from "#app/emulators.js";
import type { RunningService } from "#app/runtime.js";
import { loadConfig } from "#config/load-config.js";
import { startTestService } from "#test/support/service.js";
import { until } from "#test/support/until.js";
import { type FakeSlackApi, startFakeSlackApi } from "../slack/support/fake-slack-api.js";
import { type ResponseSink, startResponseSink } from "../slack/support/response-sink.js";
import { blockActionBody, postSigned } from "../slack/support/signed-request.js";
import { executeInvoke, CHANNEL as TEAMS_CHANNEL } from "../teams/support/activities.js";
import { type FakeConnector, startFakeConnector } from "../teams/support/fake-connector.js";

/**
 * One person, one vote, through the whole service: Alice is an approver by e-mail. Her Slack click
 * is resolved (users.info → e-mail → Graph → Entra object id), so the e-mail role entry matches,
 * and her second vote as the same Entra user (as Teams reports her) is not counted again:
 * ABM_APPROVALS_REQUIRED=2 needs a second person.
 */
const SECRET = "one-vote-signing-secret-0123456789";
const CHANNEL = "CALERTS";
const SYSTEM = { id: "system", platform: "system" } as const;

describe("one person, one vote (Slack resolved to Entra)", () => {
  let pair: EmulatorPair;
  let api: FakeSlackApi;
  let sink: ResponseSink;
  let connector: FakeConnector;
  let service: RunningService;
  let groupId: string;
  let userIds: string[];
  let alice: { id: string; mail: string };

  beforeAll(async () => {
    pair = await startEmulators({ users: 12, seed: 5, problemRate: 0 });
    userIds = [...pair.graph.store.users.keys()];
    groupId = pair.graph.store.createGroup("ABM users").id;
    for (const id of userIds) pair.graph.store.addMember(groupId, id);
    pair.graph.store.assign(groupId);
    const record = pair.graph.store.users.get(userIds[11] ?? "");
    const mail = record?.user.mail;
    if (record === undefined || typeof mail !== "string") throw new Error("no user with a mail");
    alice = { id: String(record.user.id), mail };
    api = await startFakeSlackApi();
    api.setEmail("UALICE", alice.mail.toUpperCase());
    sink = await startResponseSink();
    connector = await startFakeConnector();
    const config = loadConfig({
      TEAMS_ALLOW_ANONYMOUS: "true",
      SLACK_BOT_TOKEN: "xoxb-one-vote",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: `${api.url}/`,
      ABM_ALERT_CHANNELS: `slack:${CHANNEL}`,
      ABM_APPROVERS: `${alice.mail},${alice.id},UBOB0001`,
      ABM_APPROVALS_REQUIRED: "2",
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
    await Promise.allSettled([pair?.close(), api?.close(), sink?.close(), connector?.close()]);
  });

  it("matches Alice's e-mail role from Slack and counts her once across Slack and Teams", async () => {
    const full = await service.services.connections[0].engine.runCycle({ kind: "full", trigger: "cli", actor: SYSTEM });
    expect(full.ok && full.value.counts.created).toBe(12);
    for (const id of userIds.slice(0, 5)) pair.graph.store.removeMember(groupId, id);
    const run = await service.services.connections[0].engine.runCycle({
      kind: "incremental",
      trigger: "cli",
      actor: SYSTEM,
    });
    expect(run.ok && run.value.outcome).toBe("held");
    const approvalId = (await service.services.connections[0].approvals.pending())?.id ?? "";
    const click = (userId: string, path: string) =>
      postSigned(
        `${service.url}/slack/events`,
        blockActionBody({
          userId,
          actionId: "approval.approve",
          value: approvalId,
          channelId: CHANNEL,
          messageTs: "1700000000.000001",
          responseUrl: `${sink.url}${path}`,
        }),
        { secret: SECRET },
      );

    expect((await click("UALICE", "/alice-slack")).status).toBe(200);
    const counted = await until("Alice's answer", () => sink.received.find((r) => r.path === "/alice-slack"));
    expect(JSON.stringify(counted.body)).toContain("1 of 2");
    expect(api.byMethod("users.info").map((c) => c.body.user)).toContain("UALICE");

    // the same person as Teams reports her (aadObjectId), clicking Approve on the Teams card: not a
    // second approver. The core answers with the card (still 1 of 2) AND a private note: both arrive.
    const invoke = await fetch(`${service.url}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(
        executeInvoke(
          connector.url,
          { id: "29:alice", name: "Alice", aadObjectId: alice.id.toUpperCase() },
          "teams-card-1",
          "approval.approve",
          approvalId,
        ),
      ),
    });
    expect(invoke.status).toBe(200);
    const answer = (await invoke.json()) as { type?: string; value?: unknown };
    expect(answer.type).toBe("application/vnd.microsoft.card.adaptive");
    expect(JSON.stringify(answer.value)).toContain("1 of 2");
    const sent = connector.requests.map((r) => ({
      method: r.method,
      to: r.conversationId,
      body: JSON.stringify(r.body),
    }));
    expect(sent.find((r) => r.method === "PUT" && r.to === TEAMS_CHANNEL)?.body).toContain("1 of 2");
    const note = sent.find((r) => r.method === "POST" && r.to?.startsWith("a:personal-") === true);
    const duplicate = "You have already decided on this batch";
    expect(note?.body).toContain(duplicate);
    expect(sent.filter((r) => r.to === TEAMS_CHANNEL && r.body.includes(duplicate))).toHaveLength(0);
    expect((await service.services.connections[0].approvals.get(approvalId))?.status).toBe("pending");
    expect(pair.abm.users().filter((u) => u.active === false)).toHaveLength(0);

    expect((await click("UBOB0001", "/bob")).status).toBe(200);
    await until("the batch applied", () =>
      pair.abm.users().filter((u) => u.active === false).length === 5 ? true : undefined,
    );
  });
});
