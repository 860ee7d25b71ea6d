import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateSlackMessage } from "#adapters/slack/index.js";
import { APPROVER_A, APPROVER_B, OPERATOR, VIEWER } from "#test/support/chat/harness.js";
import { ALERT_CHANNEL, startAlertStack } from "./support/alert-stack.js";
import { type FakeSlackApi, startFakeSlackApi } from "./support/fake-slack-api.js";
import { blockActionBody, postSigned } from "./support/signed-request.js";
import { SECRET } from "./support/slack-fixture.js";

/**
 * Threshold breach → approval message posted through the outbox (with buttons) → a viewer's
 * click refused → two approvers click at the same moment → the batch applied once → each clicked
 * message replaced through its response_url → the stored message refreshed by the outbox with
 * chat.update: buttons gone, "Approved by …".
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
    await stack.hold({
      id: "apr_flow1",
      payload: {
        kind: "native_batch",
        runId: "run_7",
        cycle: "incremental",
        scope: "assigned",
        threshold: 500,
        removals: Array.from({ length: 600 }, (_, i) => ({
          entraId: `id-${i}`,
          scimId: `s-${i}`,
          userName: `user${i}@example.com`,
          action: "deactivate" as const,
          reason: "left scope",
          dedupKey: `k-${i}`,
          hash: `h-${i}`,
        })),
      },
      requestedBy: "system",
      requestedAt: new Date(now),
      expiresAt: new Date(now + 24 * 3_600_000),
    });
    expect(stack.outbox.rows.size).toBe(1);
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

    // each click's message is replaced through its response_url (replace_original), never chat.update
    await Promise.all([stack.fx.sink.waitFor("/a"), stack.fx.sink.waitFor("/b")]);
    const [ra, rb] = [stack.fx.sink.replacement("/a"), stack.fx.sink.replacement("/b")];
    for (const r of [ra, rb]) {
      expect(r?.response_type).toBe("in_channel");
      expect(validateSlackMessage({ text: r?.text, blocks: r?.blocks })).toEqual([]);
    }
    const applied = [ra, rb].find((r) => blocksOf(r ?? {}).includes("Approved by")) ?? {};
    expect(blocksOf(applied)).not.toContain('"actions"');
    expect(blocksOf(applied)).toContain("600 deactivated.");
    expect(stack.engine.decided).toHaveLength(1);
    expect(stack.approvals.records.get("apr_flow1")?.status).toBe("applied");
    // the edge does not edit the stored message itself: that is the outbox's one path
    expect(api.byMethod("chat.update").filter((c) => c.body.ts === ts)).toHaveLength(0);

    const lastUpdate = () =>
      api
        .byMethod("chat.update")
        .filter((c) => c.body.ts === ts)
        .at(-1)?.body ?? {};
    // each change of the approval went to the outbox as a refresh, rendered from the store when sent;
    // the decision resolved the incident
    await stack.dispatcher.idle();
    await stack.worker.drain(5_000);
    expect(stack.incidents.records.get("approval:apr_flow1")?.incident.status).toBe("resolved");
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
  });

  it("replaces a clicked ephemeral preview through its response_url too, and edits nothing itself", async () => {
    const updates = api.byMethod("chat.update").length;
    const sent = await postSigned(
      stack.fx.eventsUrl,
      blockActionBody({
        userId: OPERATOR,
        actionId: "restart.cancel",
        value: "cancel",
        channelId: ALERT_CHANNEL,
        messageTs: "1700000000.555555",
        responseUrl: `${stack.fx.sink.url}/cancel`,
        ephemeral: true,
      }),
      { secret: SECRET },
    );
    expect(sent.status).toBe(200);
    await stack.fx.sink.waitFor("/cancel");
    const replaced = stack.fx.sink.replacement("/cancel");
    expect(replaced?.response_type).toBe("ephemeral");
    expect(String(replaced?.text)).toContain("Cancelled");
    expect(api.byMethod("chat.update")).toHaveLength(updates);
  });
});
