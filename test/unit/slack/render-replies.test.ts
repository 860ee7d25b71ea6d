import { describe, expect, it } from "vitest";
import { renderSlack } from "#adapters/slack/render/blocks.js";
import { validateSlackMessage } from "#adapters/slack/render/validate.js";
import { channel, slackActor } from "#test/support/chat/fakes.js";
import { APPROVER_A, createHarness, heldBatch, OPERATOR } from "#test/support/chat/harness.js";

describe("every chat reply renders to valid Block Kit", () => {
  it("for each command", async () => {
    const h = createHarness();
    h.engine.users = Array.from({ length: 300 }, (_, i) => ({
      id: `id-${i}`,
      upn: `u${i}@example.com`,
      assigned: i % 2 === 0,
      givenName: i % 3 === 0 ? null : "N",
    }));
    await h.hold(heldBatch(h.clock, 700));
    const operator = slackActor(OPERATOR);
    const texts = [
      "sync --full",
      "status",
      "check u3@example.com",
      "errors",
      "history",
      "help",
      "approvals",
      "scope all",
      "restart",
      "pause",
      "resume",
      "alerts here",
      "provision u2@example.com",
      "nonsense",
    ];
    for (const text of texts) {
      for (const reply of await h.core.handle({ actor: operator, text, conversation: channel })) {
        expect(validateSlackMessage(renderSlack(reply)), text).toEqual([]);
      }
    }
    const clicked = await h.core.handleAction({
      actor: slackActor(APPROVER_A),
      actionId: "approval.approve",
      value: "apr_test1",
      conversation: channel,
    });
    for (const reply of [...clicked.replies, ...(clicked.replaceOriginal === null ? [] : [clicked.replaceOriginal])]) {
      expect(validateSlackMessage(renderSlack(reply))).toEqual([]);
    }
  });
});
