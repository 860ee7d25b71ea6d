import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateSlackMessage } from "#adapters/slack/index.js";
import { APPROVER_A, APPROVER_B, VIEWER } from "#test/unit/chat/support/harness.js";
import { ZERO } from "#test/unit/chat/support/in-memory-engine.js";
import { ALERT_CHANNEL, startAlertStack } from "./support/alert-stack.js";
import { type FakeSlackApi, startFakeSlackApi } from "./support/fake-slack-api.js";
import { blockActionBody, postSigned } from "./support/signed-request.js";
import { SECRET } from "./support/slack-fixture.js";

/**
 * Threshold breach → approval message posted through the outbox (with buttons) → a viewer's
 * click refused → two approvers click at the same moment → the batch applied once → the stored
 * message edited with chat.update: buttons gone, "Approved by …".
 */
describe("approval flow over Slack", () => {
  let api: FakeSlackApi;
  let stack: Awaited<ReturnType<typeof startAlertStack>>;

  beforeAll(async () => {
    api = await startFakeSlackApi();
    stack = await startAlertStack(api, { approvalsRequired: 2 });
  });
  afterAll(async () => {
    await stack.fx.close();
  });

  const blocksOf = (body: Record<string, unknown>): string => JSON.stringify(body.blocks) ?? "";

  it("posts, refuses, counts each approver once and applies the batch once", async () => {
    const now = Date.now();
    const pending = {
      approvalId: "apr_flow1",
      count: 600,
      users: Array.from({ length: 600 }, (_, i) => ({
        entraId: `id-${i}`,
        userName: `user${i}@example.com`,
        action: "deactivate" as const,
        reason: "left scope",
      })),
      reason: "Incremental cycle run_7, scope assigned",
      runId: "run_7",
      threshold: 500,
      requestedAt: new Date(now),
      expiresAt: new Date(now + 24 * 3_600_000),
    };
    stack.engine.pending = pending;
    const run = {
      id: "run_7",
      kind: "incremental" as const,
      trigger: "schedule" as const,
      actor: "system",
      startedAt: new Date(now),
      finishedAt: new Date(now),
      outcome: "held" as const,
      counts: { ...ZERO, held: 600 },
      error: null,
    };
    const dispatched = await stack.dispatcher.handleEngineEvent({
      type: "deletions_held",
      approvalId: "apr_flow1",
      run,
      count: 600,
    });
    expect(dispatched.ok && dispatched.value.enqueued).toBe(1);
    await stack.worker.drain(5_000);

    const posts = api.byMethod("chat.postMessage");
    expect(posts).toHaveLength(1);
    const post = posts[0]?.body ?? {};
    expect(post.channel).toBe(ALERT_CHANNEL);
    expect(validateSlackMessage({ text: post.text, blocks: post.blocks })).toEqual([]);
    expect(blocksOf(post)).toContain("approval.approve");
    expect(blocksOf(post)).toContain("+580 more");
    const stored = stack.approvals.records.get("apr_flow1");
    expect(stored?.messages).toHaveLength(1);
    const ts = stored?.messages[0]?.messageId ?? "";
    expect(ts).not.toBe("");

    const click = (userId: string, actionId: string, path: string) =>
      postSigned(
        stack.fx.eventsUrl,
        blockActionBody({
          userId,
          actionId,
          value: "apr_flow1",
          channelId: ALERT_CHANNEL,
          messageTs: ts,
          responseUrl: `${stack.fx.sink.url}${path}`,
        }),
        { secret: SECRET },
      );

    const refused = await click(VIEWER, "approval.approve", "/viewer");
    expect(refused.status).toBe(200);
    const [note] = await stack.fx.sink.waitFor("/viewer");
    expect(note?.body.response_type).toBe("ephemeral");
    expect(String(note?.body.text)).toMatch(/approver/i);
    expect(stack.engine.decided).toHaveLength(0);

    const [a, b] = await Promise.all([
      click(APPROVER_A, "approval.approve", "/a"),
      click(APPROVER_B, "approval.approve#2", "/b"),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(Math.max(a.ms, b.ms)).toBeLessThan(3_000);

    // wait until the stored message shows the decision
    const deadline = Date.now() + 5_000;
    const lastUpdate = () =>
      api
        .byMethod("chat.update")
        .filter((c) => c.body.ts === ts)
        .at(-1)?.body ?? {};
    while (Date.now() < deadline && !blocksOf(lastUpdate()).includes("Approved by")) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(stack.engine.decided).toHaveLength(1);
    expect(stack.approvals.records.get("apr_flow1")?.status).toBe("approved");
    const final = lastUpdate();
    expect(final.channel).toBe(ALERT_CHANNEL);
    expect(blocksOf(final)).toContain("Approved by");
    expect(blocksOf(final)).not.toContain('"actions"');
    expect(blocksOf(final)).toContain("600 deactivated.");
    for (const call of api.byMethod("chat.update")) {
      expect(validateSlackMessage({ text: call.body.text, blocks: call.body.blocks })).toEqual([]);
    }
    // still one post: the decision edited the message, it did not post a new one
    expect(api.byMethod("chat.postMessage")).toHaveLength(1);

    // the engine's decision event resolves the incident and refreshes the message from the book
    await stack.dispatcher.handleEngineEvent({
      type: "deletions_decided",
      approvalId: "apr_flow1",
      decision: "approved",
      actor: APPROVER_B,
    });
    await stack.worker.drain(5_000);
    expect(stack.incidents.records.get("approval:apr_flow1")?.incident.status).toBe("resolved");
    expect(blocksOf(lastUpdate())).toContain("Approved by");
    expect(blocksOf(lastUpdate())).not.toContain('"actions"');
  });
});
