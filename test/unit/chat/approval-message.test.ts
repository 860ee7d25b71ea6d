import { describe, expect, it } from "vitest";
import { renderCard } from "#adapters/teams/cards.js";
import { renderReplyText } from "#app/render-text.js";
import type { Approval } from "#core/approvals/approval.js";
import { approvalVerb, renderApprovalMessage } from "#core/chat/approval-message.js";
import type { Reply } from "#core/chat/reply.js";
import { ZERO_COUNTS } from "#core/ports/provisioning-engine.js";
import { heldRemoval, nativeBatch, pendingApproval, quarantineBatch } from "#test/support/approvals.js";
import { LINKS } from "#test/support/chat/harness.js";

function record(actions: readonly ("deactivate" | "delete")[], required = 1): Approval {
  const removals = actions.map((action, i) => heldRemoval(i, { action, userName: `u${i}@contoso.com`, reason: "r" }));
  return pendingApproval(nativeBatch(removals), { requiredApprovals: required });
}

const quarantine = quarantineBatch(300);

const text = (reply: Reply): string => renderReplyText(reply);

describe("the approval message reads naturally", () => {
  it("names the approve button's confirmation for what it does, pluralised", () => {
    expect(approvalVerb(record(Array(60).fill("deactivate")).payload)).toBe("Deactivate 60 users");
    expect(approvalVerb(record(["delete"]).payload)).toBe("Delete 1 user");
    expect(approvalVerb(record(["delete", "deactivate"]).payload)).toBe("Remove 2 users");
    // Entra does not list the users it holds: say nothing it cannot know
    expect(approvalVerb(quarantine)).toBe("Remove 300 users");

    const reply = renderApprovalMessage(record(Array(60).fill("deactivate")), new Date(1_000), LINKS);
    const actions = reply.blocks.find((b) => b.type === "actions");
    if (actions?.type !== "actions") throw new Error("no buttons");
    const [approve, reject] = actions.buttons;
    expect(approve?.label).toBe("Approve");
    expect(approve?.confirm).toEqual({
      title: "Deactivate 60 users?",
      text: "60 users will be deactivated in Apple Business Manager.",
      confirm: "Deactivate 60 users",
      deny: "Cancel",
    });
    expect(reject?.confirm?.confirm).toBe("Keep the 60 users");
  });

  it("pluralises the approvals needed", () => {
    expect(text(renderApprovalMessage(record(["delete"], 1), new Date(1_000), LINKS))).toContain(
      "Needs 1 approval; each person counts once.",
    );
    expect(text(renderApprovalMessage(record(["delete"], 2), new Date(1_000), LINKS))).toContain("Needs 2 approvals;");
    expect(text(renderApprovalMessage(record(["delete"], 1), new Date(1_000), LINKS))).not.toMatch(/\(s\)/);
  });

  it("says an applied result once", () => {
    const applied: Approval = {
      ...record(Array(60).fill("deactivate")),
      status: "applied",
      votes: [{ actorId: "a", actorName: "Alex Wilber", platform: "teams", decision: "approve", at: new Date(2_000) }],
      result: {
        status: "applied",
        counts: { ...ZERO_COUNTS, deactivated: 60 },
        message: "Applied: 60 deactivated, 0 deleted, 0 failed (run run_2).",
        at: new Date(3_000),
      },
    };
    const shown = text(renderApprovalMessage(applied, new Date(4_000), LINKS));
    expect(shown).toContain("Applied at 1970-01-01 00:00 UTC: 60 deactivated.");
    expect(shown.match(/60 deactivated/g)).toHaveLength(1);
    expect(shown).toContain("Approved by Alex Wilber");
  });

  it("a failed result keeps the engine's reason", () => {
    const failed: Approval = {
      ...record(["delete"]),
      status: "approved",
      result: { status: "failed", counts: null, message: "ABM refused (scim.unavailable)", at: new Date(3_000) },
    };
    expect(text(renderApprovalMessage(failed, new Date(4_000), LINKS))).toContain(
      "Applying failed at 1970-01-01 00:00 UTC: ABM refused (scim.unavailable)",
    );
  });

  it("Teams shows the confirmation inline with a button named for the action, no second 'Approve'", () => {
    const card = JSON.stringify(
      renderCard(renderApprovalMessage(record(Array(60).fill("deactivate")), new Date(1_000), LINKS)),
    );
    expect(card).toContain('"title":"Deactivate 60 users"');
    expect(card).toContain("Select **Approve** again to close this without deciding.");
    expect(card).not.toContain("To cancel");
    expect(card.match(/"title":"Approve"/g)).toHaveLength(1);
  });
});
