import { describe, expect, it } from "vitest";
import { renderSlack, slackResponseType } from "#adapters/slack/render/blocks.js";
import { SLACK_LIMITS } from "#adapters/slack/render/limits.js";
import { toMrkdwn } from "#adapters/slack/render/mrkdwn.js";
import { validateSlackMessage } from "#adapters/slack/render/validate.js";
import { renderApprovalMessage } from "#core/chat/approval-message.js";
import type { Reply } from "#core/chat/reply.js";
import { heldRemoval, nativeBatch, pendingApproval } from "#test/support/approvals.js";
import { LINKS } from "#test/support/chat/harness.js";

const base = (blocks: Reply["blocks"]): Reply => ({
  fallbackText: "summary",
  blocks,
  visibility: "private",
  tone: "info",
});

describe("Slack renderer", () => {
  it("converts the neutral markup and escapes &<>", () => {
    expect(toMrkdwn("**Bold** & `code` <b> [ABM](https://business.apple.com/?a=1&b=2)", 3_000)).toBe(
      "*Bold* &amp; `code` &lt;b&gt; <https://business.apple.com/?a=1&amp;b=2|ABM>",
    );
    expect(toMrkdwn("[x](javascript:alert(1))", 100)).toBe("[x](javascript:alert(1))");
    // truncation never cuts an entity or a link
    const cut = toMrkdwn(`${"a".repeat(8)}&&&& [l](https://x.example/)`, 14);
    expect(cut.length).toBeLessThanOrEqual(14);
    expect(cut).toMatch(/^a{8}(&amp;)?…$/);
  });

  it("renders every block kind as valid Block Kit", () => {
    const reply: Reply = base([
      { type: "header", text: "Status" },
      { type: "text", text: "Hello **world**" },
      {
        type: "facts",
        facts: [
          { label: "State", value: "idle" },
          { label: "Empty", value: "" },
        ],
      },
      { type: "list", title: "Users", items: ["a", "b"], total: 5 },
      { type: "context", text: "small print" },
      {
        type: "links",
        links: [
          { label: "ABM", url: "https://business.apple.com" },
          { label: "bad", url: "ftp://x" },
        ],
      },
      { type: "divider" },
      {
        type: "actions",
        buttons: [
          {
            actionId: "approval.approve",
            label: "Approve",
            value: "apr_1",
            style: "primary",
            confirm: { title: "Sure?", text: "Really", confirm: "Yes", deny: "No" },
          },
        ],
      },
    ]);
    const message = renderSlack(reply);
    expect(validateSlackMessage(message)).toEqual([]);
    expect(message.blocks.map((b) => b.type)).toEqual([
      "header",
      "section",
      "section",
      "section",
      "context",
      "context",
      "divider",
      "actions",
    ]);
    expect(JSON.stringify(message)).toContain("_+3 more_");
    const actions = message.blocks.at(-1);
    expect(actions?.type === "actions" && actions.elements[0]).toMatchObject({
      action_id: "approval.approve",
      value: "apr_1",
      confirm: { confirm: { text: "Yes" } },
    });
    expect(slackResponseType(reply)).toBe("ephemeral");
  });

  it("keeps huge inputs within every limit and keeps the buttons", () => {
    const huge = "x".repeat(50_000);
    const reply: Reply = {
      fallbackText: huge,
      visibility: "channel",
      tone: "danger",
      blocks: [
        { type: "header", text: huge },
        ...Array.from({ length: 80 }, () => ({ type: "text" as const, text: `**${huge}** <&>` })),
        { type: "facts", facts: Array.from({ length: 35 }, (_, i) => ({ label: `L${i}`, value: huge })) },
        { type: "list", items: Array.from({ length: 5_000 }, (_, i) => `user${i}@example.com`), total: 9_000 },
        {
          type: "actions",
          buttons: Array.from({ length: 40 }, (_, i) => ({
            actionId: i % 2 === 0 ? "approval.approve" : `a${i}`,
            label: huge,
            value: huge,
            confirm: { title: huge, text: huge, confirm: huge, deny: huge },
          })),
        },
      ],
    };
    const message = renderSlack(reply);
    expect(validateSlackMessage(message)).toEqual([]);
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(message.blocks.some((b) => b.type === "actions")).toBe(true);
    expect(JSON.stringify(message)).toContain("shortened to fit");
  });

  it("a 5,000-user approval message stays valid with +N more", () => {
    const removals = Array.from({ length: 5_000 }, (_, i) =>
      heldRemoval(i, { action: "delete", reason: "deleted in Entra" }),
    );
    const record = pendingApproval(nativeBatch(removals, { scope: "all", threshold: 500 }), { requiredApprovals: 2 });
    const message = renderSlack(renderApprovalMessage(record, new Date(1_000), LINKS));
    expect(validateSlackMessage(message)).toEqual([]);
    expect(JSON.stringify(message)).toContain("_+4980 more_");
    expect(message.blocks.filter((b) => b.type === "actions")).toHaveLength(1);
  });

  it("the validator catches broken messages", () => {
    expect(validateSlackMessage({ text: "", blocks: [] }).length).toBeGreaterThan(0);
    const tooMany = { text: "t", blocks: Array.from({ length: 51 }, () => ({ type: "divider" })) };
    expect(validateSlackMessage(tooMany).join()).toMatch(/blocks/);
    const longSection = { text: "t", blocks: [{ type: "section", text: { type: "mrkdwn", text: "x".repeat(3_001) } }] };
    expect(validateSlackMessage(longSection).length).toBe(1);
    const dup = {
      text: "t",
      blocks: [
        {
          type: "actions",
          elements: [
            { type: "button", action_id: "a", text: { type: "plain_text", text: "A" }, value: "1" },
            { type: "button", action_id: "a", text: { type: "plain_text", text: "B" }, value: "2" },
          ],
        },
      ],
    };
    expect(validateSlackMessage(dup)).toEqual(["duplicate action_id a"]);
    const budget = {
      text: "t",
      blocks: Array.from({ length: 5 }, () => ({ type: "section", text: { type: "mrkdwn", text: "x".repeat(2_900) } })),
    };
    expect(validateSlackMessage(budget).join()).toMatch(/total text/);
    expect(validateSlackMessage({ text: "t", blocks: [{ type: "section" }] }).length).toBe(1);
  });
});
