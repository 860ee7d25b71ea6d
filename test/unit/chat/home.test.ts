import { describe, expect, it } from "vitest";
import { renderReplyText } from "#app/render-text.js";
import type { ChartBlock, Reply } from "#core/chat/reply.js";
import { channel, replyText, slackActor } from "#test/support/chat/fakes.js";
import { APPROVER_A, createHarness, VIEWER } from "#test/support/chat/harness.js";
import { seedHome } from "#test/support/chat/home-world.js";

const OUTSIDER = "UOUTSIDE1";

function chartOf(reply: Reply | undefined): ChartBlock | undefined {
  return reply?.blocks.find((b): b is ChartBlock => b.type === "chart");
}

describe("home", () => {
  it("shows the state, counts, the runs as a chart (oldest first), failures by reason and the held batch", async () => {
    const h = createHarness({ approvalsRequired: 1 });
    await seedHome(h);
    const answer = await h.core.execute({
      actor: slackActor(APPROVER_A),
      command: { name: "home" },
      conversation: channel,
    });
    expect(answer.ok).toBe(true);
    const [reply] = answer.replies;
    const text = replyText(reply);
    expect(text).toContain("ABM sync: Waiting for deletion approval");
    expect(text).toContain("Failing users by reason (3)");
    expect(text).toContain("2026-04-15 11:00 UTC (45 days left)");
    expect(text).toMatch(/Missing given name.*2 users/);
    expect(text).toContain("Deletions held for approval");
    expect(chartOf(reply)?.runs).toEqual([
      { label: "03-01 07:50", created: 120, updated: 0, deactivated: 0, failed: 0 },
      { label: "03-01 08:30", created: 40, updated: 10, deactivated: 0, failed: 2 },
      { label: "03-01 09:10", created: 0, updated: 4, deactivated: 2, failed: 0 },
      { label: "03-01 09:50", created: 2, updated: 1, deactivated: 0, failed: 3 },
    ]);
    const buttons = reply?.blocks.flatMap((b) => (b.type === "actions" ? b.buttons : [])) ?? [];
    expect(buttons.map((b) => b.actionId)).toEqual(["approval.approve", "approval.reject"]);
    expect(reply?.refresh).toEqual({ actionId: "home.refresh", value: "" });
    expect(answer.ok && answer.data).toMatchObject({
      home: { canApprove: true, failures: [{ count: 2 }, { count: 1 }] },
    });
  });

  it("shows a viewer the batch without the buttons, and someone who is not a viewer only its size", async () => {
    const h = createHarness({ approvalsRequired: 1, viewers: [VIEWER] });
    await seedHome(h);
    const [viewer] = await h.core.handle({ actor: slackActor(VIEWER), text: "home", conversation: channel });
    expect(viewer?.blocks.some((b) => b.type === "actions")).toBe(false);
    expect(replyText(viewer)).toContain("user0@example.com");
    expect(replyText(viewer)).toContain("Approvers (`ABM_APPROVERS`) approve or reject it here.");
    const [outsider] = await h.core.handle({ actor: slackActor(OUTSIDER), text: "home", conversation: channel });
    expect(outsider?.blocks.some((b) => b.type === "actions")).toBe(false);
    expect(replyText(outsider)).not.toContain("user0@example.com");
    expect(replyText(outsider)).toContain("12 deactivations** held for approval");
  });

  it("the refresh action renders the home again in place", async () => {
    const h = createHarness({ approvalsRequired: 1 });
    await seedHome(h);
    const result = await h.core.handleAction({
      actor: slackActor(VIEWER),
      actionId: "home.refresh",
      value: "",
      conversation: channel,
    });
    expect(result.replies).toEqual([]);
    expect(chartOf(result.replaceOriginal ?? undefined)?.runs).toHaveLength(4);
  });

  it("prints as text with a text chart (the CLI)", async () => {
    const h = createHarness({ approvalsRequired: 1 });
    await seedHome(h);
    const [reply] = await h.core.handle({ actor: slackActor(APPROVER_A), text: "home", conversation: channel });
    const text = renderReplyText(reply as Reply);
    expect(text).toContain("Last 4 runs");
    expect(text).toMatch(/03-01 07:50 │█{30}\s+120 created/);
    expect(text).toMatch(/03-01 09:50 │█▓×+\s+2 created, 1 updated, 3 failed/);
    if (process.env.PRINT_HOME === "1") process.stdout.write(text);
  });
});
