import { describe, expect, it } from "vitest";
import type { AuditEntry } from "#core/audit.js";
import type { Reply } from "#core/chat/reply.js";
import { channel, InMemoryAudit, must, replyText, slackActor } from "#test/support/chat/fakes.js";
import { APPROVER_A, APPROVER_B, createHarness, heldBatch, OPERATOR } from "#test/support/chat/harness.js";

/**
 * Two approvers click at once on a batch that needs both. The first click's view of the approval
 * ("1 of 2, pending") must never be what it answers with once the second click has decided it.
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

async function openBatch(h: ReturnType<typeof createHarness>) {
  await h.hold(heldBatch(h.clock, 12));
  await h.core.handle({ actor: slackActor(OPERATOR), text: "approvals", conversation: channel });
  await h.approvals.addMessage("apr_test1", MESSAGE);
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
  it("a first click that read the approval as pending answers with the state stored after the second decided it", async () => {
    const audit = new PausingAudit();
    const h = createHarness({ approvalsRequired: 2, audit });
    await openBatch(h);

    const first = click(h, a);
    await audit.gate.reached; // A's vote is recorded (1 of 2) and A is about to answer
    const second = await click(h, b); // B decides, the engine applies
    expectDecided(second.replaceOriginal);
    audit.gate.open();
    const firstResult = await first;

    // the clicked message's replacement is the decided one too, and the batch was applied once
    expectDecided(firstResult.replaceOriginal);
    expect(replyText(firstResult.replies[0])).toContain("1 of 2");
    expect(h.engine.decided).toEqual([{ approvalId: "apr_test1", decision: "approve", actor: APPROVER_B }]);
    // every change went out as an event for the outbox, which renders the STORED approval when it
    // edits the posted messages: whatever edit lands last shows the decided state
    const changes = h.events.events.flatMap((e) => (e.type === "approval_changed" ? [e.approval.status] : []));
    expect(changes).toContain("applied");
  });

  it("a lone first click shows the pending state with 1 of 2", async () => {
    const h = createHarness({ approvalsRequired: 2 });
    await openBatch(h);
    const result = await click(h, a);
    expect(isPending(must(result.replaceOriginal))).toBe(true);
    expect(replyText(result.replaceOriginal)).toContain("Approved so far by");
    expect(replyText(result.replaceOriginal)).toContain("1 of 2");
    const changes = h.events.events.filter((e) => e.type === "approval_changed");
    expect(changes).toHaveLength(1);
  });
});
