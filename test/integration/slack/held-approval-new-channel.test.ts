import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateSlackMessage } from "#adapters/slack/index.js";
import { heldRemoval, nativeBatch } from "#test/support/approvals.js";
import { APPROVER_A, OPERATOR } from "#test/support/chat/harness.js";
import { ALERT_CHANNEL, startAlertStack } from "./support/alert-stack.js";
import { type FakeSlackApi, startFakeSlackApi } from "./support/fake-slack-api.js";
import { blockActionBody, postSigned, slashCommandBody } from "./support/signed-request.js";
import { SECRET } from "./support/slack-fixture.js";

/**
 * The threshold tripped before anyone chose the approvers' channel: the batch is held and posted in
 * the alert channel; an operator types `/abm alerts here deletions` in #apple-approvers; the held
 * batch is posted there too, with its buttons, and a click there decides it and updates the
 * message in BOTH channels. A channel that already had it gets no second copy.
 */
const APPROVERS = "CAPPROVERS";

describe("a channel that subscribes to deletions while a batch is held", () => {
  let api: FakeSlackApi;
  let stack: Awaited<ReturnType<typeof startAlertStack>>;

  beforeAll(async () => {
    api = await startFakeSlackApi();
    stack = await startAlertStack(api, { approvalsRequired: 1 });
  });
  afterAll(async () => {
    await stack.fx.close();
  });

  const postsIn = (channel: string) =>
    api.byMethod("chat.postMessage").filter((c) => c.body.channel === channel && c.body.thread_ts === undefined);
  const slash = async (text: string, channelId: string, path: string) => {
    const sent = await postSigned(
      stack.fx.eventsUrl,
      slashCommandBody({ text, userId: OPERATOR, channelId, responseUrl: `${stack.fx.sink.url}${path}` }),
      { secret: SECRET },
    );
    expect(sent.status).toBe(200);
    const [answer] = await stack.fx.sink.waitFor(path);
    return answer?.body ?? {};
  };
  const settle = async () => {
    await stack.dispatcher.idle();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await stack.worker.drain(5_000);
  };

  it("posts the held batch in the new channel with its buttons; a click there updates both messages", async () => {
    const now = Date.now();
    await stack.hold({
      id: "apr_late",
      payload: nativeBatch(
        Array.from({ length: 12 }, (_, i) => heldRemoval(i)),
        { runId: "run_9", threshold: 5 },
      ),
      requestedBy: "system",
      requestedAt: new Date(now),
      expiresAt: new Date(now + 24 * 3_600_000),
    });
    await settle();
    expect(postsIn(ALERT_CHANNEL)).toHaveLength(1);

    const answer = await slash("alerts here deletions", APPROVERS, "/subscribe");
    expect(String(answer.text)).toContain("apr_late");
    await settle();
    const [posted] = postsIn(APPROVERS);
    expect(posted).toBeDefined();
    expect(JSON.stringify(posted?.body.blocks)).toContain("approval.approve");
    expect(validateSlackMessage({ text: posted?.body.text, blocks: posted?.body.blocks })).toEqual([]);
    expect(postsIn(ALERT_CHANNEL)).toHaveLength(1); // no second copy where it already was
    expect(
      stack.approvals.records
        .get("apr_late")
        ?.messages.map((m) => m.channelId)
        .sort(),
    ).toEqual([ALERT_CHANNEL, APPROVERS].sort());

    // typed again: nothing new (the channel already has it)
    await slash("alerts here deletions", APPROVERS, "/again");
    await settle();
    expect(postsIn(APPROVERS)).toHaveLength(1);

    const clicked = await postSigned(
      stack.fx.eventsUrl,
      blockActionBody({
        userId: APPROVER_A,
        actionId: "approval.approve",
        value: "apr_late",
        channelId: APPROVERS,
        messageTs: String(posted?.body.ts ?? ""),
        responseUrl: `${stack.fx.sink.url}/click`,
      }),
      { secret: SECRET },
    );
    expect(clicked.status).toBe(200);
    await stack.fx.sink.waitFor("/click");
    await settle();
    expect(stack.approvals.records.get("apr_late")?.status).toBe("applied");
    const lastIn = (channel: string) =>
      JSON.stringify(
        api
          .byMethod("chat.update")
          .filter((c) => c.body.channel === channel)
          .at(-1)?.body.blocks,
      );
    for (const channel of [ALERT_CHANNEL, APPROVERS]) {
      expect(lastIn(channel)).toContain("Approved by");
      expect(lastIn(channel)).not.toContain("approval.approve");
    }
  });
});
