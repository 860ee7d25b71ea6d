import { beforeAll, describe, expect, it } from "vitest";
import { renderCard } from "#adapters/teams/cards.js";
import { toPlainText, toTeamsMarkdown } from "#adapters/teams/markup.js";
import { type CardRenderer, createCardValidator, loadCardRenderer } from "#test/support/teams/card-checks.js";
import { approvalReply, checkReply, emptyReply, refusalReply, statusReply } from "./sample-replies.js";

const validate = createCardValidator();
let render: CardRenderer;

// jsdom + adaptivecards load in ~1 s on a quiet machine; allow for a loaded CI runner
beforeAll(async () => {
  render = await loadCardRenderer();
}, 60_000);

describe("neutral markup → Teams card markdown", () => {
  it("keeps bold and web links, shows code verbatim, escapes user text", () => {
    expect(toTeamsMarkdown("**on** `a_b*c` [docs](https://x.test/a?q=(b)")).toBe(
      "**on** a\\_b\\*c [docs](https://x.test/a?q=%28b)",
    );
    expect(toTeamsMarkdown("[bad](javascript:alert)")).toBe("bad");
    expect(toTeamsMarkdown("first_last")).toBe("first\\_last");
    expect(toPlainText("**a** `b` [c](https://d)")).toBe("a b c");
  });
});

describe("renderCard", () => {
  it("produces a 1.5 card with schema, fallback text, tone style and markdown", () => {
    const card = renderCard(statusReply);
    expect(card).toMatchObject({
      $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
      type: "AdaptiveCard",
      version: "1.5",
      fallbackText: "Sync status: idle, last run succeeded",
    });
    const container = card.body[0];
    expect(container).toMatchObject({ type: "Container", style: "emphasis" });
    const json = JSON.stringify(card);
    expect(json).toContain('"type":"FactSet"');
    expect(json).toContain("Engine **native**, scope assigned.\\n\\nNext cycle in 12m.");
    expect(json).toContain('"isSubtle":true');
    expect(json).toContain('"separator":true');
    expect(json).toContain('"type":"Action.OpenUrl"');
    expect(json).not.toContain("javascript:");
  });

  it("renders buttons as Action.Execute with an Action.Submit fallback and a ShowCard confirm", () => {
    const card = renderCard(approvalReply);
    const json = JSON.stringify(card);
    expect(json).toContain("- … +609 more");
    expect(json).toContain("grace\\\\*h@example.com");
    const items = card.body[0]?.type === "Container" ? card.body[0].items : [];
    const actionSet = items.find((e) => e.type === "ActionSet");
    expect(actionSet?.type).toBe("ActionSet");
    const [approve, reject] = actionSet?.type === "ActionSet" ? actionSet.actions : [];
    expect(approve).toMatchObject({ type: "Action.ShowCard", title: "Approve", style: "positive" });
    expect(approve?.type === "Action.ShowCard" ? approve.card.actions?.[0] : undefined).toEqual({
      type: "Action.Execute",
      title: "Delete",
      verb: "approval.approve",
      data: { actionId: "approval.approve", value: "apr_123" },
      style: "positive",
      fallback: {
        type: "Action.Submit",
        title: "Delete",
        data: { actionId: "approval.approve", value: "apr_123" },
        style: "positive",
      },
    });
    expect(reject).toMatchObject({
      type: "Action.Execute",
      verb: "approval.reject",
      style: "destructive",
      fallback: { type: "Action.Submit", data: { actionId: "approval.reject", value: "apr_123" } },
    });
  });

  it("adds a refresh limited to the asker's user ids", () => {
    const card = renderCard(checkReply, {
      refresh: { actionId: "check.refresh", value: "ada", userIds: ["29:asker"] },
    });
    expect(card.refresh).toEqual({
      action: { type: "Action.Execute", verb: "check.refresh", data: { actionId: "check.refresh", value: "ada" } },
      userIds: ["29:asker"],
    });
  });

  it("never produces an empty body", () => {
    const card = renderCard(emptyReply);
    expect(JSON.stringify(card.body)).toContain("Nothing to show");
  });

  const all = {
    status: renderCard(statusReply),
    approval: renderCard(approvalReply),
    check: renderCard(checkReply, { refresh: { actionId: "check.refresh", value: "ada", userIds: ["29:a"] } }),
    refusal: renderCard(refusalReply),
    empty: renderCard(emptyReply),
  };

  for (const [name, card] of Object.entries(all)) {
    it(`${name}: validates against the Adaptive Card 1.5 schema and renders with adaptivecards`, () => {
      expect(validate(card)).toEqual([]);
      const rendered = render(card);
      expect(rendered.warnings).toEqual([]);
      expect(rendered.text.length).toBeGreaterThan(0);
      expect(rendered.html).not.toContain("\\_");
    });
  }

  it("the validator and renderer are not vacuous", () => {
    expect(validate({ type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock" }] }).length).toBeGreaterThan(0);
    expect(
      validate({ type: "AdaptiveCard", version: "1.5", body: [], msteams: { width: "Full" } }).length,
    ).toBeGreaterThan(0);
    expect(
      validate({ type: "AdaptiveCard", version: "1.5", body: [{ type: "TextBlock", text: "x", size: "huge" }] }).length,
    ).toBeGreaterThan(0);
    const rendered = render(all.approval);
    expect(rendered.text).toContain("612 deletions held for approval");
    expect(rendered.text).toContain("grace*h@example.com");
    expect(rendered.buttons).toEqual(expect.arrayContaining(["Approve", "Reject"]));
    expect(render({ type: "AdaptiveCard", version: "1.5", body: [{ type: "Nope" }] }).warnings.length).toBeGreaterThan(
      0,
    );
  });
});
