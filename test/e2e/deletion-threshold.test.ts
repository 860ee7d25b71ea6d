import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderReplyText } from "#app/render-text.js";
import { heldCount, heldUsers } from "#core/approvals/approval.js";
import { APPROVAL_ACTIONS } from "#core/chat/approval-message.js";
import type { ChatActor } from "#core/chat/ports.js";
import type { Reply } from "#core/chat/reply.js";
import { CLI_ACTOR, createE2eDatabase, type E2eHarness, e2eDatabaseKinds, startE2e } from "#test/support/e2e.js";
import { abmUsers, duplicatesIn } from "./support/model.js";

/**
 * DELETION_THRESHOLD=5 and a group of 20 unassigned: the removals are held, approval through the
 * chat core is applied exactly once even when two approvers click at the same time, and a
 * rejection keeps the users active until a restart.
 */
const APPROVER_1 = "UAPPROVER1";
const APPROVER_2 = "UAPPROVER2";
const slack = (id: string): ChatActor => ({ platform: "slack", id, displayName: id });
const conversation = { platform: "slack", channelId: "C0E2E" } as const;
const text = (replies: readonly (Reply | null)[]): string =>
  replies.map((r) => (r === null ? "" : renderReplyText(r))).join("\n---\n");

for (const kind of e2eDatabaseKinds()) {
  describe(`deletion threshold [${kind}]`, () => {
    let harness: E2eHarness;
    let teamA: string[];
    let teamB: string[];
    let groupA: string;
    let groupB: string;
    const active = (ids: readonly string[]): boolean[] => {
      const byId = new Map(abmUsers(harness.pair.abm).map((u) => [u.externalId, u.active] as const));
      return ids.map((id) => byId.get(id) ?? false);
    };
    const patches = (): number =>
      Object.values(harness.pair.abm.stats().byMethod.PATCH ?? {}).reduce((sum, n) => sum + n, 0);
    const engine = () => harness.connection().engine;
    /** the held batch as chat shows it: id, count and users of the store's pending approval */
    const pending = async () => {
      const open = await harness.connection().approvals.pending();
      return open === null
        ? null
        : { approvalId: open.id, count: heldCount(open.payload), users: heldUsers(open.payload) };
    };
    const state = async () => {
      const s = await engine().status();
      if (!s.ok) throw s.error;
      return s.value.state;
    };

    beforeAll(async () => {
      harness = await startE2e({
        database: await createE2eDatabase(kind),
        emulators: { users: 40, seed: 5, problemRate: 0 },
        env: {
          SYNC_SCOPE: "assigned",
          DELETION_THRESHOLD: "5",
          ABM_APPROVALS_REQUIRED: "1",
          ABM_APPROVERS: `${APPROVER_1},${APPROVER_2}`,
        },
      });
      const store = harness.graph.store;
      const ids = [...store.users.keys()];
      teamA = ids.slice(0, 20);
      teamB = ids.slice(20, 40);
      groupA = store.createGroup("Team A").id;
      groupB = store.createGroup("Team B").id;
      for (const id of teamA) store.addMember(groupA, id);
      for (const id of teamB) store.addMember(groupB, id);
      store.assign(groupA);
      store.assign(groupB);
      const initial = await harness.sync();
      expect(initial.counts.created).toBe(40);
    });
    afterAll(async () => {
      await harness?.close();
    });

    it("unassigning a group of 20 holds their deactivation and applies everything else", async () => {
      const [someone] = teamA;
      harness.graph.store.patchUser(someone as string, { department: "Held-run update" });
      harness.graph.store.unassign(groupB);
      const before = patches();
      const run = await harness.sync();
      expect(run.outcome).toBe("held");
      expect(run.counts).toMatchObject({ held: 20, deactivated: 0, updated: 1, failed: 0 });
      expect(patches() - before).toBe(1); // the update only
      expect(active(teamB).every(Boolean)).toBe(true);
      const held = await pending();
      expect(held?.count).toBe(20);
      expect(new Set(held?.users.map((u) => u.entraId))).toEqual(new Set(teamB));
      expect(held?.users.every((u) => u.action === "deactivate")).toBe(true);
      expect(await state()).toBe("awaiting_approval");

      // a further cycle neither applies nor re-holds them (they wait in the open approval)
      const again = await harness.sync();
      expect(again.counts).toMatchObject({ held: 0, deactivated: 0 });
      expect((await pending())?.approvalId).toBe(held?.approvalId);
    });

    it("two approvers clicking at once: applied exactly once (20 PATCHes, one approval run)", async () => {
      const held = await pending();
      const id = held?.approvalId as string;
      const listed = await harness
        .connection()
        .chat.handle({ actor: slack(APPROVER_1), text: "approvals", conversation });
      expect(text(listed)).toMatch(/deletions held for approval/i);
      const before = patches();
      const click = (who: string) =>
        harness
          .connection()
          .chat.handleAction({ actor: slack(who), actionId: APPROVAL_ACTIONS.approve, value: id, conversation });
      const [first, second] = await Promise.all([click(APPROVER_1), click(APPROVER_2)]);
      const outputs = [first, second].map((r) => text([...r.replies, r.replaceOriginal]));
      // one click moved the approval and applied it; the other was told it was already approved
      const losers = outputs.filter((o) => /already approved/i.test(o));
      expect(losers).toHaveLength(1);
      expect(outputs.find((o) => !/already approved/i.test(o))).toMatch(/Applied at .*: 20 deactivated\./);

      expect(patches() - before).toBe(20);
      expect(active(teamB).some(Boolean)).toBe(false);
      expect(active(teamA).every(Boolean)).toBe(true);
      const history = await engine().history(50);
      if (!history.ok) throw history.error;
      const approvalRuns = history.value.filter((r) => r.trigger === "approval");
      expect(approvalRuns).toHaveLength(1);
      expect(approvalRuns[0]?.counts).toMatchObject({ deactivated: 20, failed: 0 });
      expect(await pending()).toBeNull();
      expect(await state()).toBe("idle");

      // typed approval afterwards: already decided, nothing more sent
      const late = await harness.connection().cliChat.handle({
        actor: { platform: "cli", id: CLI_ACTOR.id },
        text: `approve ${id}`,
        conversation: { platform: "cli", channelId: "cli" },
      });
      expect(text(late)).toMatch(/already/i);
      expect(patches() - before).toBe(20);
      expect(duplicatesIn(abmUsers(harness.pair.abm))).toEqual([]);
    });

    it("a held batch shrinks when its users come back in scope, and is withdrawn when none are left", async () => {
      harness.graph.store.unassign(groupA);
      const held = await harness.sync();
      expect(held.outcome).toBe("held");
      const first = await pending();
      expect(first?.count).toBe(20);
      const before = patches();

      // the admin re-assigns five of them directly: the batch is re-issued without them
      for (const id of teamA.slice(0, 5)) harness.graph.store.assign(id);
      await harness.sync();
      const shrunk = await pending();
      expect(shrunk?.count).toBe(15);
      expect(shrunk?.approvalId).not.toBe(first?.approvalId);
      expect(new Set(shrunk?.users.map((u) => u.entraId))).toEqual(new Set(teamA.slice(5)));

      // the group comes back: nothing is left to remove, nothing was deactivated
      harness.graph.store.assign(groupA);
      const back = await harness.sync();
      expect(back.counts).toMatchObject({ held: 0, deactivated: 0 });
      expect(await pending()).toBeNull();
      expect(await state()).toBe("idle");
      expect(active(teamA).every(Boolean)).toBe(true);
      expect(patches()).toBe(before);

      // the direct assignments are redundant again (the group covers them): nothing changes
      for (const id of teamA.slice(0, 5)) harness.graph.store.unassign(id);
      expect((await harness.sync()).counts).toMatchObject({ held: 0, deactivated: 0 });
    });

    it("reject: users stay active, the connection is flagged, the next cycle does not re-hold; restart clears it", async () => {
      harness.graph.store.unassign(groupA);
      const held = await harness.sync();
      expect(held.outcome).toBe("held");
      const open = await pending();
      expect(open?.count).toBe(20);
      const before = patches();

      const replies = await harness.connection().cliChat.handle({
        actor: { platform: "cli", id: CLI_ACTOR.id },
        text: `reject ${open?.approvalId}`,
        conversation: { platform: "cli", channelId: "cli" },
      });
      expect(text(replies)).toMatch(/deletions rejected/i);
      expect(active(teamA).every(Boolean)).toBe(true);
      expect(await state()).toBe("deletions_rejected");
      expect(await pending()).toBeNull();

      const next = await harness.sync();
      expect(next.outcome).toBe("succeeded");
      expect(next.counts).toMatchObject({ held: 0, deactivated: 0 });
      expect(await pending()).toBeNull();
      expect(await state()).toBe("deletions_rejected");
      expect(patches()).toBe(before);

      // a restart clears the rejection: the scope still leaves them out, so they are held afresh
      const restarted = await engine().restart(CLI_ACTOR, "cli");
      if (!restarted.ok) throw restarted.error;
      expect(restarted.value.kind).toBe("restart");
      expect(restarted.value.outcome).toBe("held");
      const fresh = await pending();
      expect(fresh?.count).toBe(20);
      expect(fresh?.approvalId).not.toBe(open?.approvalId);
      expect(await state()).toBe("awaiting_approval");
      expect(active(teamA).every(Boolean)).toBe(true);
    });
  });
}
