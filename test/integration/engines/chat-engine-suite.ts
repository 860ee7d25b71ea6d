import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApprovalStore } from "#core/approvals/approval-store.js";
import type { AuditEntry, AuditSink } from "#core/audit.js";
import { APPROVAL_ACTIONS } from "#core/chat/approval-message.js";
import { CONFIRM_ACTIONS } from "#core/chat/commands/confirmed.js";
import type { ChatLinks } from "#core/chat/format.js";
import { type ChatCore, createChatCore } from "#core/chat/handle-command.js";
import type { Reply } from "#core/chat/reply.js";
import { createRoleChecker } from "#core/chat/roles.js";
import type { ProvisioningEngine } from "#core/ports/provisioning-engine.js";
import {
  channel,
  FakeGroups,
  fakeDigestDeps,
  InMemoryAlertRoutes,
  RecordingEvents,
  replyText,
  roleEntries,
  slackActor,
} from "#test/support/chat/fakes.js";

/** What the shared suite needs from an engine under test; everything else goes through the chat core. */
export interface EngineUnderTest {
  readonly engine: ProvisioningEngine;
  /** the one approval store the engine holds its batches in (the database for the native engine) */
  readonly approvals: ApprovalStore;
  /** the audit log the approval store writes its votes and results to (the chat core writes there too) */
  readonly audit: AuditSink;
  /** the audit log's entries */
  auditEntries(): Promise<readonly Pick<AuditEntry, "command" | "outcome">[]>;
  /** in scope, valid attributes: provisions cleanly */
  readonly goodUser: string;
  /** in scope, no given name: validation problem and a failing user */
  readonly brokenUser: string;
  /** makes the engine have synced at least once with `brokenUser` failing (a run and a failure exist) */
  runCycleWithFailure(): Promise<void>;
  /** makes the engine hold more deletions than its threshold, waiting for approval */
  triggerDeletionBreach(): Promise<void>;
  close(): Promise<void>;
}

const OPERATOR = "UOPERATOR1";
const APPROVER = "UAPPROVER1";
const VIEWER = "UVIEWER01";
const LINKS = {
  entraProvisioningUrl: "https://entra.microsoft.com/#view/provisioning",
  organization: "business",
} as const satisfies ChatLinks;

function text(replies: readonly Reply[]): string {
  return replies.map((r) => replyText(r)).join("\n---\n");
}

function buttonValue(reply: Reply | undefined, actionId: string): string {
  for (const block of reply?.blocks ?? []) {
    if (block.type !== "actions") continue;
    const button = block.buttons.find((b) => b.actionId === actionId);
    if (button !== undefined) return button.value;
  }
  throw new Error(`no ${actionId} button in ${reply === undefined ? "no reply" : replyText(reply)}`);
}

/**
 * Every chat command, approval and alert-facing path through the real chat core, with in-memory
 * ports (CAS approval book, audit). Engine-agnostic: run it once per engine.
 */
export function runChatEngineSuite(name: string, create: () => Promise<EngineUnderTest>): void {
  describe(`chat commands with the ${name} engine`, () => {
    let under: EngineUnderTest;
    let core: ChatCore;
    const say = (who: string, line: string) =>
      core.handle({ actor: slackActor(who), text: line, conversation: channel });
    const click = (who: string, actionId: string, value: string) =>
      core.handleAction({ actor: slackActor(who), actionId, value, conversation: channel });

    beforeAll(async () => {
      under = await create();
      const clock = { now: () => new Date(), sleep: async () => undefined };
      core = createChatCore({
        engine: under.engine,
        roles: createRoleChecker({
          operators: roleEntries(OPERATOR),
          approvers: roleEntries(APPROVER),
          groups: new FakeGroups(),
          clock,
        }),
        audit: under.audit,
        approvals: under.approvals,
        alertRoutes: new InMemoryAlertRoutes(),
        digest: fakeDigestDeps(under.engine, under.approvals),
        events: new RecordingEvents(),
        clock,
        config: { links: LINKS },
      });
      await under.runCycleWithFailure();
    });
    afterAll(async () => {
      await under?.close();
    });

    it("status shows the engine, state and scope", async () => {
      const out = text(await say(VIEWER, "status"));
      expect(out).toContain("ABM sync:");
      expect(out).toContain(`Engine: ${under.engine.kind}`);
      expect(out).toContain("Scope: assigned users and groups");
      expect(out).not.toMatch(/failed:/);
    });

    it("check shows the user's problems and scope", async () => {
      const out = text(await say(VIEWER, `check ${under.brokenUser}`));
      expect(out).toContain(`Check ${under.brokenUser}`);
      expect(out).toContain("In scope: yes");
      expect(out).toContain("givenName");
    });

    it("errors groups the failing user with a fix", async () => {
      const out = text(await say(VIEWER, "errors"));
      expect(out).toMatch(/\d+ failing users, \d+ reasons/);
      expect(out).toContain("How to fix:");
      expect(out).toContain(under.brokenUser.split("@")[0]);
    });

    it("history lists the runs", async () => {
      const out = text(await say(VIEWER, "history"));
      expect(out).toContain("Recent sync runs");
    });

    it("pause and resume are for operators and change the status", async () => {
      expect(text(await say(VIEWER, "pause"))).toMatch(/operator|ABM_OPERATORS/i);
      expect(text(await say(OPERATOR, "pause"))).toContain("Sync paused");
      expect(text(await say(VIEWER, "status"))).toContain("State: Paused");
      expect(text(await say(OPERATOR, "resume"))).toContain("Sync resumed");
      expect(text(await say(VIEWER, "status"))).not.toContain("State: Paused");
    });

    it("scope asks to confirm, then changes and restarts; back again", async () => {
      const [preview] = await say(OPERATOR, "scope all");
      expect(replyText(preview)).toContain("Change scope: assigned → all?");
      const confirmed = await click(
        OPERATOR,
        CONFIRM_ACTIONS.scopeConfirm,
        buttonValue(preview, CONFIRM_ACTIONS.scopeConfirm),
      );
      expect(text(confirmed.replies)).toContain("Scope changed to all");
      expect(text(await say(VIEWER, "status"))).toContain("Scope: all users");
      const [back] = await say(OPERATOR, "scope assigned");
      const again = await click(
        OPERATOR,
        CONFIRM_ACTIONS.scopeConfirm,
        buttonValue(back, CONFIRM_ACTIONS.scopeConfirm),
      );
      expect(text(again.replies)).toContain("Scope changed to assigned");
    });

    it("provision reports the steps and the result", async () => {
      const out = text(await say(OPERATOR, `provision ${under.goodUser}`));
      expect(out).toContain(`Provision ${under.goodUser}`);
      expect(out).toMatch(/Steps/);
      expect(out).not.toMatch(/ failed —/);
    });

    it("a deletion breach becomes an approval; approve applies it once", async () => {
      await under.triggerDeletionBreach();
      expect(text(await say(VIEWER, "status"))).toContain("Waiting for deletion approval");
      const [message] = await say(VIEWER, "approvals");
      expect(replyText(message)).toContain("Deletions held for approval");
      const id = buttonValue(message, APPROVAL_ACTIONS.approve);
      expect(text((await click(VIEWER, APPROVAL_ACTIONS.approve, id)).replies)).toMatch(/approver|ABM_APPROVERS/i);
      const decided = await click(APPROVER, APPROVAL_ACTIONS.approve, id);
      const updated = replyText(decided.replaceOriginal ?? undefined);
      expect(updated).toContain("Deletions approved");
      expect(updated).toContain("Applied");
      const twice = await say(APPROVER, `approve ${id}`);
      // the batch is decided and applied: that is what the approver hears, not "you voted already"
      expect(text(twice)).toMatch(/already approved and applied/);
      expect(text(await say(VIEWER, "approvals"))).toContain("No deletion batch is waiting");
      const entries = await under.auditEntries();
      expect(entries.filter((e) => e.command === "approval.approve" && e.outcome === "succeeded")).toHaveLength(1);
    });

    it("reject keeps the users and says so", async () => {
      await under.triggerDeletionBreach();
      const [message] = await say(VIEWER, "approvals");
      const id = buttonValue(message, APPROVAL_ACTIONS.reject);
      const out = text(await say(APPROVER, `reject ${id}`));
      expect(out).toContain("Deletions rejected");
      expect(text(await say(VIEWER, "status"))).toContain("Deletions rejected");
    });
  });
}
