import { describe, expect, it } from "vitest";
import { renderReplyText } from "#app/render-text.js";
import type { ChartBlock, Reply } from "#core/chat/reply.js";
import { LAST_REPORT_NAME } from "#core/reconcile/last-report.js";
import { type AppleWorld, appleUser, entraUser, InMemoryNamedValues } from "#test/support/chat/apple-world.js";
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

  describe("the last reconcile", () => {
    /** ann is in both; bo is locked in Apple; zed is only in Apple: 2 mismatches */
    function world(values = new InMemoryNamedValues()): AppleWorld {
      return {
        entra: [entraUser("e-ann", "ann@example.com", "Ann", "Lee"), entraUser("e-bo", "bo@example.com", "Bo", "Kim")],
        apple: [
          appleUser("a-ann", "ann@example.com", { firstName: "Ann", lastName: "Lee", email: "ann@example.com" }),
          appleUser("a-bo", "bo@example.com", {
            firstName: "Bo",
            lastName: "Kim",
            email: "bo@example.com",
            status: "LOCKED",
          }),
          appleUser("a-zed", "zed@example.com"),
        ],
        values,
      };
    }
    const homeText = async (h: ReturnType<typeof createHarness>) => {
      const answer = await h.core.execute({
        actor: slackActor(VIEWER),
        command: { name: "home" },
        conversation: channel,
      });
      expect(answer.ok).toBe(true);
      return { text: replyText(answer.replies[0]), data: answer.ok ? answer.data : null };
    };

    it("says nothing when the Apple Business API is off", async () => {
      const h = createHarness();
      await seedHome(h);
      const { text, data } = await homeText(h);
      expect(text).not.toContain("Entra ↔");
      expect(text).not.toMatch(/reconcile/i);
      expect(data).toMatchObject({ home: { apple: { enabled: false, lastReconcile: null } } });
    });

    it("says it was not checked yet when it is on but never ran", async () => {
      const h = createHarness({ apple: world() });
      await seedHome(h);
      const { text, data } = await homeText(h);
      expect(text).toContain("**Entra ↔ ABM**  not checked yet — run `reconcile`");
      expect(data).toMatchObject({ home: { apple: { enabled: true, lastReconcile: null } } });
    });

    it("shows the counts of the last reconcile, also to a second instance reading the same store", async () => {
      const values = new InMemoryNamedValues();
      const first = createHarness({ apple: world(values) });
      await seedHome(first);
      const reconciled = await first.core.execute({
        actor: slackActor(VIEWER),
        command: { name: "reconcile", csv: false },
        conversation: channel,
      });
      expect(reconciled.ok && reconciled.data).toMatchObject({
        report: { total: 2, counts: { orphan: 1, blocked_in_apple: 1 } },
      });
      first.clock.advance(2 * 3_600_000);
      const line = "**Entra ↔ ABM**  2 mismatches (checked 2026-03-01 10:00 UTC) — run `reconcile` for details";
      expect((await homeText(first)).text).toContain(line);

      // another replica (or the process after a restart): nothing in memory, the same stored value
      const second = createHarness({ apple: world(values) });
      await seedHome(second);
      const { text, data } = await homeText(second);
      expect(text).toContain(line);
      expect(text).not.toContain("zed@example.com");
      expect(data).toMatchObject({
        home: {
          apple: {
            enabled: true,
            lastReconcile: {
              checkedAt: "2026-03-01T10:00:00.000Z",
              total: 2,
              entraInScope: 2,
              appleUsers: 3,
              matched: 2,
              counts: { missing_in_apple: 0, orphan: 1, blocked_in_apple: 1, admin_skipped: 0, drift: 0 },
            },
          },
        },
      });
      expect(
        renderReplyText(
          (await second.core.handle({ actor: slackActor(VIEWER), text: "home", conversation: channel }))[0] as Reply,
        ),
      ).toContain("Entra ↔ ABM  2 mismatches (checked 2026-03-01 10:00 UTC)");
    });

    it("says the stored report cannot be read, and still shows the rest, when the stored value is bad", async () => {
      const values = new InMemoryNamedValues();
      values.values.set(LAST_REPORT_NAME, JSON.stringify({ checkedAt: "yesterday", counts: {} }));
      const h = createHarness({ apple: world(values) });
      await seedHome(h);
      const { text, data } = await homeText(h);
      expect(text).toMatch(
        /\*\*Entra ↔ ABM\*\* {2}last reconcile unavailable: The stored last reconcile report cannot be read: .*checkedAt.* \(`db\.invalid_row`\)/,
      );
      expect(text).toContain("Failing users by reason (3)");
      expect(data).toMatchObject({
        home: { apple: { enabled: true, lastReconcile: null, error: { code: "db.invalid_row" } } },
      });
    });
  });
});
