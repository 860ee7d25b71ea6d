import { describe, expect, it } from "vitest";
import type { AuditEntry, MessageRef } from "#core/chat/ports.js";
import type { Reply } from "#core/chat/reply.js";
import { channel, InMemoryAudit, must, RecordingEditor, replyText, slackActor } from "./support/fakes.js";
import { APPROVER_A, APPROVER_B, createHarness, heldBatch, OPERATOR } from "./support/harness.js";

/**
 * Two approvers click at once on a batch that needs both. The first click's view of the approval
 * ("1 of 2, pending") must never be the last thing the shared message shows once the second
 * click has decided it.
 */

const MESSAGE = { platform: "slack", channelId: "C123", messageId: "1700000000.0001" } as const;
const a = slackActor(APPROVER_A);
const b = slackActor(APPROVER_B);

function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  let reach: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => {
    reach = resolve;
  });
  return { open, opened, reach, reached };
}

const isPending = (reply: Reply): boolean => reply.blocks.some((block) => block.type === "actions");

/** an audit sink that stops the first "counted" entry until the gate opens (a slow database round trip) */
class PausingAudit extends InMemoryAudit {
  readonly gate = gate();
  private paused = false;
  override async record(entry: AuditEntry) {
    if (entry.outcome === "counted" && !this.paused) {
      this.paused = true;
      this.gate.reach();
      await this.gate.opened;
    }
    return super.record(entry);
  }
}

/** an editor whose first pending edit lands only when the gate opens (a slow chat.update); edits are recorded as they land */
class LateLandingEditor extends RecordingEditor {
  readonly gate = gate();
  private held = false;
  override async edit(ref: MessageRef, reply: Reply) {
    if (isPending(reply) && !this.held) {
      this.held = true;
      this.gate.reach();
      await this.gate.opened;
    }
    return super.edit(ref, reply);
  }
}

async function openBatch(h: ReturnType<typeof createHarness>) {
  h.engine.pending = heldBatch(h.clock, 12);
  await h.core.handle({ actor: slackActor(OPERATOR), text: "approvals", conversation: channel });
  must(await h.approvals.addMessageRef("apr_test1", MESSAGE));
}

const click = (h: ReturnType<typeof createHarness>, actor: ReturnType<typeof slackActor>) =>
  h.core.handleAction({ actor, actionId: "approval.approve", value: "apr_test1", conversation: channel });

function expectDecided(reply: Reply | null | undefined): void {
  const text = replyText(reply);
  expect(text).toContain("Deletions approved");
  expect(text).toContain(`Approved by ${APPROVER_A}, ${APPROVER_B}`);
  expect(text).not.toContain("Deletions held for approval");
  expect(isPending(must(reply))).toBe(false);
}

describe("approval message under racing clicks", () => {
  it("a first click that read the approval as pending does not edit after the decided edit with a pending view", async () => {
    const audit = new PausingAudit();
    const h = createHarness({ approvalsRequired: 2, audit });
    await openBatch(h);

    const first = click(h, a);
    await audit.gate.reached; // A's decision is recorded (1 of 2) and A is about to edit
    const second = await click(h, b); // B decides, the engine applies, the message is edited
    expectDecided(second.replaceOriginal);
    audit.gate.open();
    const firstResult = await first;

    const edits = h.messages.edits.filter((e) => e.ref.messageId === MESSAGE.messageId);
    expect(edits.length).toBeGreaterThan(0);
    expectDecided(edits.at(-1)?.reply);
    expect(edits.every((e) => !isPending(e.reply))).toBe(true);
    // the clicked message's replacement is the decided one too, and the batch was applied once
    expectDecided(firstResult.replaceOriginal);
    expect(replyText(firstResult.replies[0])).toContain("1 of 2");
    expect(h.engine.decided).toEqual([{ approvalId: "apr_test1", decision: "approve", actor: APPROVER_B }]);
  });

  it("a pending edit that lands after the decided one is followed by the decided state again", async () => {
    const messages = new LateLandingEditor();
    const h = createHarness({ approvalsRequired: 2, messages });
    await openBatch(h);

    const first = click(h, a);
    await messages.gate.reached; // A's pending edit is in flight
    await click(h, b);
    const before = h.messages.edits.filter((e) => e.ref.messageId === MESSAGE.messageId);
    expectDecided(before.at(-1)?.reply);
    messages.gate.open(); // A's pending edit lands now, after B's
    await first;

    const edits = h.messages.edits.filter((e) => e.ref.messageId === MESSAGE.messageId);
    expect(edits.some((e) => isPending(e.reply))).toBe(true); // the race did happen
    expectDecided(edits.at(-1)?.reply);
    expect(replyText(edits.at(-1)?.reply)).toContain("12 deactivated");
    expect(h.engine.decided).toHaveLength(1);
  });

  it("a lone first click still shows the pending state with 1 of 2", async () => {
    const h = createHarness({ approvalsRequired: 2 });
    await openBatch(h);
    const result = await click(h, a);
    const last = must(h.messages.edits.at(-1)).reply;
    expect(isPending(last)).toBe(true);
    expect(replyText(last)).toContain("1 of 2");
    expect(replyText(result.replaceOriginal)).toContain("Approved so far by");
    expect(h.messages.edits).toHaveLength(1);
  });
});
