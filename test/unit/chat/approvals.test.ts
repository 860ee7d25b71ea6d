import { describe, expect, it } from "vitest";
import { by } from "#test/support/approvals.js";
import { channel, must, replyText, slackActor } from "#test/support/chat/fakes.js";
import { APPROVER_A, APPROVER_B, createHarness, heldBatch, OPERATOR } from "#test/support/chat/harness.js";

const a = slackActor(APPROVER_A);
const b = slackActor(APPROVER_B);

async function withBatch(count = 45, required = 2) {
  const h = createHarness({ approvalsRequired: required });
  await h.hold(heldBatch(h.clock, count));
  const [message] = await h.core.handle({ actor: slackActor(OPERATOR), text: "approvals", conversation: channel });
  await h.approvals.addMessage("apr_test1", { platform: "slack", channelId: "C123", messageId: "1700000000.0001" });
  return { h, message: must(message) };
}

const click = (
  h: ReturnType<typeof createHarness>,
  actor: ReturnType<typeof slackActor>,
  actionId = "approval.approve",
  value = "apr_test1",
) => h.core.handleAction({ actor, actionId, value, conversation: channel });

describe("deletion approvals", () => {
  it("the message shows how many and which (first 20, +N more), why, and buttons with confirm dialogs", async () => {
    const { message } = await withBatch(45);
    const list = message.blocks.find((block) => block.type === "list");
    expect(list?.type === "list" && list.items.length).toBe(20);
    expect(list?.type === "list" && list.total).toBe(45);
    const text = replyText(message);
    expect(text).toContain("45 users");
    expect(text).toContain(`scope "assigned"`);
    expect(text).toContain("run_9");
    const actions = message.blocks.find((block) => block.type === "actions");
    expect(
      actions?.type === "actions" && actions.buttons.map((x) => [x.actionId, x.value, x.confirm !== undefined]),
    ).toEqual([
      ["approval.approve", "apr_test1", true],
      ["approval.reject", "apr_test1", true],
    ]);
  });

  it("needs two different approvers; the same person cannot count twice; applied exactly once", async () => {
    const { h } = await withBatch(45, 2);
    const first = await click(h, a);
    expect(replyText(first.replies[0])).toContain("1 of 2");
    expect(h.engine.decided).toHaveLength(0);
    const twice = await click(h, a);
    expect(replyText(twice.replies[0])).toContain("already decided");
    expect(h.engine.decided).toHaveLength(0);
    const second = await click(h, b);
    expect(h.engine.decided).toEqual([{ approvalId: "apr_test1", decision: "approve", actor: APPROVER_B }]);
    const updated = must(second.replaceOriginal);
    expect(updated.blocks.some((block) => block.type === "actions")).toBe(false);
    expect(replyText(updated)).toContain(`Approved by ${APPROVER_A}, ${APPROVER_B} at 2026-03-01 10:00 UTC`);
    expect(replyText(updated)).toContain("45 deactivated");
    // the stored messages are re-rendered along the one path: an approval_changed event for the outbox
    const changed = h.events.events.filter((e) => e.type === "approval_changed");
    expect(changed.at(-1)).toMatchObject({ approval: { id: "apr_test1", status: "applied" } });
    const late = await click(h, slackActor("approver@example.com", { email: "Approver@Example.com" }));
    expect(replyText(late.replies[0])).toContain("already approved");
    expect(h.engine.decided).toHaveLength(1);
  });

  it("counts one person once across Slack and Teams (by Entra object id); the CLI says it counts as its OS user", async () => {
    const { h } = await withBatch(10, 2);
    const slack = slackActor("UALICE01", { email: "approver@example.com", entraObjectId: "AAD-ALICE" });
    expect(replyText((await click(h, slack)).replies[0])).toContain("1 of 2");
    const teams = {
      platform: "teams",
      id: "29:alice",
      email: "approver@example.com",
      entraObjectId: "aad-alice",
    } as const;
    expect(replyText((await click(h, teams)).replies[0])).toContain("each person counts once");
    expect(h.engine.decided).toHaveLength(0);

    // while Graph cannot say who a Slack user is, their vote is not counted (they might vote again as themselves)
    const unknown = slackActor(APPROVER_B, { identityUnknown: true });
    expect(replyText((await click(h, unknown)).replies[0])).toContain("your vote was not counted");
    const stored = await h.approvals.get("apr_test1");
    expect(stored?.votes).toHaveLength(1);

    const cli = await withBatch(10, 2);
    // (the service gives the CLI every role; here the harness's approver e-mail stands in for that)
    const local = { platform: "cli", id: "cli:ops", displayName: "ops", email: "approver@example.com" } as const;
    const noted = replyText((await click(cli.h, local)).replies[0]);
    expect(noted).toContain("1 of 2");
    expect(noted).toContain("The CLI counts as the OS user `ops`, once");
  });

  it("racing decisions apply the batch once", async () => {
    const { h } = await withBatch(10, 1);
    const results = await Promise.all([click(h, a), click(h, b), click(h, a), click(h, b)]);
    expect(h.engine.decided).toHaveLength(1);
    expect(results.filter((r) => r.replies.length === 0)).toHaveLength(1);
    expect(h.audit.entries.filter((e) => e.outcome === "succeeded")).toHaveLength(1);
  });

  it("a click while the winning vote is still applying neither applies again nor overwrites the result", async () => {
    const { h } = await withBatch(10, 1);
    // A's vote moved it to approved; A's engine call has not claimed it yet
    await h.approvals.vote(
      "apr_test1",
      { actorId: APPROVER_A, actorName: "A", platform: "slack", decision: "approve", at: h.clock.now() },
      h.clock.now(),
      by,
    );
    const late = await click(h, b);
    expect(replyText(late.replies[0])).toContain("already approved");
    expect(h.engine.decided).toHaveLength(0);
    expect((await h.approvals.get("apr_test1"))?.result).toBeNull();
  });

  it("a non-approver's click is refused privately and audited", async () => {
    const { h } = await withBatch();
    const result = await click(h, slackActor(OPERATOR));
    expect(result.replies[0]?.visibility).toBe("private");
    expect(replyText(result.replies[0])).toContain("ABM_APPROVERS");
    expect(result.replaceOriginal).toBeNull();
    expect(h.audit.entries.at(-1)).toMatchObject({ command: "approval.approve", outcome: "refused", actor: OPERATOR });
  });

  it("expires after 24 h: the message says expired and the batch stays held", async () => {
    const { h } = await withBatch(45, 2);
    await click(h, a);
    h.clock.advance(24 * 3_600_000);
    const result = await click(h, b);
    expect(h.engine.decided).toHaveLength(0);
    expect((await h.approvals.get("apr_test1"))?.status).toBe("expired");
    expect(replyText(result.replies[0])).toContain("expired");
    const updated = must(result.replaceOriginal);
    expect(replyText(updated)).toContain("Expired");
    expect(replyText(updated)).toContain("stays held");
    expect(updated.blocks.some((block) => block.type === "actions")).toBe(false);
  });

  it("reject calls rejectApproval once and the message says who rejected", async () => {
    const { h } = await withBatch(45, 2);
    const result = await click(h, a, "approval.reject");
    expect(h.engine.decided).toEqual([{ approvalId: "apr_test1", decision: "reject", actor: APPROVER_A }]);
    expect(replyText(result.replaceOriginal)).toContain(`Rejected by ${APPROVER_A}`);
  });

  it("never trusts the button value: unknown or malformed ids are refused", async () => {
    const { h } = await withBatch();
    const unknown = await click(h, a, "approval.approve", "apr_other");
    expect(replyText(unknown.replies[0])).toContain("no approval");
    const malformed = await click(h, a, "approval.approve", "apr_test1; drop table");
    expect(malformed.replies[0]?.visibility).toBe("private");
    expect(h.engine.decided).toHaveLength(0);
  });

  it("typed `approve <id>` works like the button and echoes the updated message", async () => {
    const h = createHarness({ approvalsRequired: 1 });
    await h.hold(heldBatch(h.clock, 3));
    const replies = await h.core.handle({ actor: a, text: "approve apr_test1", conversation: channel });
    expect(h.engine.decided).toHaveLength(1);
    expect(replies[0]?.visibility).toBe("channel");
    expect(replyText(replies[0])).toContain("Deletions approved");
  });
});
