import { describe, expect, it } from "vitest";
import { AppError } from "#core/errors.js";
import { LAST_REPORT_NAME } from "#core/reconcile/last-report.js";
import { appleUser, entraUser, InMemoryNamedValues } from "#test/support/chat/apple-world.js";
import { channel, must, replyText, slackActor } from "#test/support/chat/fakes.js";
import { createHarness, LINKS, OPERATOR, VIEWER } from "#test/support/chat/harness.js";

const viewer = slackActor(VIEWER);
const operator = slackActor(OPERATOR);

function seedUsers(h: ReturnType<typeof createHarness>) {
  h.engine.users = [
    { id: "11111111-0000-0000-0000-000000000001", upn: "ada@example.com", assigned: true, givenName: "Ada" },
    { id: "11111111-0000-0000-0000-000000000002", upn: "bob@example.com", assigned: true, givenName: null },
    { id: "11111111-0000-0000-0000-000000000003", upn: "cy@example.com", assigned: false, givenName: "Cy" },
  ];
}

describe("chat commands", () => {
  it("status shows state, facts and where to go next", async () => {
    const h = createHarness();
    const [reply] = await h.core.handle({ actor: viewer, text: "status", conversation: channel });
    expect(reply?.visibility).toBe("private");
    const text = replyText(reply);
    expect(text).toContain("ABM sync: Idle");
    expect(text).toContain("Scope");
    expect(text).toContain("https://business.apple.com/#/main/preferences/directorysync");
    expect(text).toContain(LINKS.entraProvisioningUrl);
  });

  it("status says how to turn the Apple side on while it is off", async () => {
    const h = createHarness();
    const answer = await h.core.execute({ actor: viewer, command: { name: "status" }, conversation: channel });
    expect(replyText(answer.replies[0])).toContain(
      "Set APPLE_API_CLIENT_ID, APPLE_API_KEY_ID and APPLE_API_PRIVATE_KEY to turn on `reconcile` and audit log alerts.",
    );
    expect(answer.ok && answer.data).toMatchObject({ apple: { enabled: false, lastReconcile: null } });
  });

  it("status shows the stored last reconcile's counts, and says so when the stored value cannot be read", async () => {
    const values = new InMemoryNamedValues();
    const apple = {
      entra: [entraUser("e-ann", "ann@example.com", "Ann", "Lee")],
      apple: [appleUser("a-zed", "zed@example.com"), appleUser("a-yu", "yu@example.com")],
      values,
    };
    const h = createHarness({ apple });
    const before = await h.core.execute({ actor: viewer, command: { name: "status" }, conversation: channel });
    expect(replyText(before.replies[0])).not.toContain("Reconcile");
    expect(before.ok && before.data).toMatchObject({ apple: { enabled: true, lastReconcile: null } });

    await h.core.handle({ actor: viewer, text: "reconcile", conversation: channel });
    // a second core on the same store: what another replica or a restarted process shows
    const other = createHarness({ apple });
    const after = await other.core.execute({ actor: viewer, command: { name: "status" }, conversation: channel });
    expect(replyText(after.replies[0])).toContain(
      "Reconcile: 2026-03-01 10:00 UTC — active in Apple, disabled, deleted or out of scope in Entra: 2",
    );
    expect(after.ok && after.data).toMatchObject({
      apple: {
        enabled: true,
        lastReconcile: {
          checkedAt: "2026-03-01T10:00:00.000Z",
          cycleCompleted: false,
          total: 2,
          counts: { missing_in_apple: 0, orphan: 2 },
        },
      },
    });

    values.values.set(LAST_REPORT_NAME, "{not json");
    const broken = await other.core.execute({ actor: viewer, command: { name: "status" }, conversation: channel });
    expect(broken.ok).toBe(true);
    expect(replyText(broken.replies[0])).toContain(
      "Reconcile: last reconcile unavailable: The stored last reconcile report cannot be read: is not JSON. (`db.invalid_row`)",
    );
  });

  it("a malformed command gets a private usage message", async () => {
    const h = createHarness();
    const [reply] = await h.core.handle({ actor: viewer, text: "statsu", conversation: channel });
    expect(reply?.visibility).toBe("private");
    expect(replyText(reply)).toContain("Did you mean `status`?");
  });

  it("refuses operator commands to viewers, says which role, and audits the refusal", async () => {
    const h = createHarness();
    for (const text of [
      "sync",
      "restart",
      "scope all",
      "pause",
      "resume",
      "provision ada@example.com",
      "alerts here",
    ]) {
      const [reply] = await h.core.handle({ actor: viewer, text, conversation: channel });
      expect(reply?.visibility).toBe("private");
      expect(replyText(reply)).toContain("**operator**");
      expect(replyText(reply)).toContain("ABM_OPERATORS");
    }
    expect(h.audit.entries).toHaveLength(7);
    expect(h.audit.entries.every((e) => e.outcome === "refused" && e.actor === VIEWER && e.platform === "slack")).toBe(
      true,
    );
    expect(h.engine.paused).toBe(false);
    const [approve] = await h.core.handle({ actor: operator, text: "approve apr_x", conversation: channel });
    expect(replyText(approve)).toContain("ABM_APPROVERS");
  });

  it("sync runs a cycle, echoes to the channel and audits", async () => {
    const h = createHarness();
    seedUsers(h);
    const [reply] = await h.core.handle({ actor: operator, text: "sync --full", conversation: channel });
    expect(reply?.visibility).toBe("channel");
    expect(replyText(reply)).toContain("1 created");
    expect(replyText(reply)).toContain("1 failed");
    expect(h.audit.entries.at(-1)).toMatchObject({ command: "sync --full", outcome: "succeeded", actor: OPERATOR });
  });

  it("an engine failure becomes a private error and a failed audit entry", async () => {
    const h = createHarness();
    h.engine.failNext = new AppError("engine.busy", "A cycle is already running", { retryable: true });
    const [reply] = await h.core.handle({ actor: operator, text: "sync", conversation: channel });
    expect(reply?.visibility).toBe("private");
    expect(replyText(reply)).toContain("A cycle is already running");
    expect(h.audit.entries.at(-1)).toMatchObject({ command: "sync", outcome: "failed" });
  });

  it("check is private and shows problems with fixes", async () => {
    const h = createHarness();
    seedUsers(h);
    const [reply] = await h.core.handle({ actor: viewer, text: "check bob@example.com", conversation: channel });
    expect(reply?.visibility).toBe("private");
    const text = replyText(reply);
    expect(text).toContain("Missing given name");
    expect(text).toContain("Set givenName in Entra");
  });

  it("errors groups failures by reason with counts and +N more", async () => {
    const h = createHarness();
    h.engine.users = Array.from({ length: 30 }, (_, i) => ({
      id: `id-${i}`,
      upn: `u${i}@example.com`,
      assigned: true,
      givenName: null,
    }));
    await h.core.handle({ actor: operator, text: "sync", conversation: channel });
    const [reply] = await h.core.handle({ actor: viewer, text: "errors", conversation: channel });
    const list = must(reply).blocks.find((b) => b.type === "list");
    expect(list).toMatchObject({ total: 30 });
    expect(list?.type === "list" && list.items.length).toBe(5);
    expect(replyText(reply)).toContain("30 users");
  });

  it("history lists runs; help lists only what the role allows", async () => {
    const h = createHarness();
    await h.core.handle({ actor: operator, text: "sync", conversation: channel });
    const [history] = await h.core.handle({ actor: viewer, text: "history", conversation: channel });
    expect(replyText(history)).toContain("run_1");
    const [viewerHelp] = await h.core.handle({ actor: viewer, text: "help", conversation: channel });
    expect(replyText(viewerHelp)).toContain("`status`");
    expect(replyText(viewerHelp)).not.toContain("`sync [--full] [--dry-run]`");
    expect(replyText(viewerHelp)).toContain("ABM_OPERATORS");
    const [operatorHelp] = await h.core.handle({ actor: operator, text: "help", conversation: channel });
    expect(replyText(operatorHelp)).toContain("`sync [--full] [--dry-run]`");
    expect(replyText(operatorHelp)).not.toContain("`approve <id>`");
  });

  it("pause/resume and alerts here/off change state, echo and audit", async () => {
    const h = createHarness();
    const [paused] = await h.core.handle({ actor: operator, text: "pause", conversation: channel });
    expect(h.engine.paused).toBe(true);
    expect(paused?.visibility).toBe("channel");
    await h.core.handle({ actor: operator, text: "resume", conversation: channel });
    expect(h.engine.paused).toBe(false);
    const [here] = await h.core.handle({ actor: operator, text: "alerts here", conversation: channel });
    expect(here?.visibility).toBe("channel");
    expect(h.alertRoutes.routes.has("slack:C123")).toBe(true);
    const [again] = await h.core.handle({ actor: operator, text: "alerts here", conversation: channel });
    expect(again?.visibility).toBe("private");
    await h.core.handle({ actor: operator, text: "alerts off", conversation: channel });
    expect(h.alertRoutes.routes.size).toBe(0);
    expect(h.audit.entries.map((e) => e.command)).toEqual([
      "pause",
      "resume",
      "alerts here",
      "alerts here",
      "alerts off",
    ]);
  });

  it("provision echoes the result", async () => {
    const h = createHarness();
    seedUsers(h);
    const [reply] = await h.core.handle({ actor: operator, text: "provision ada@example.com", conversation: channel });
    expect(reply?.visibility).toBe("channel");
    expect(replyText(reply)).toContain("create succeeded");
    expect(h.engine.linked.has("11111111-0000-0000-0000-000000000001")).toBe(true);
  });

  it("scope previews, then only the confirm button changes it (role re-checked)", async () => {
    const h = createHarness();
    seedUsers(h);
    const [preview] = await h.core.handle({ actor: operator, text: "scope all", conversation: channel });
    expect(h.engine.scope).toBe("assigned");
    expect(replyText(preview)).toContain("1 users (will be created");
    const actions = must(preview).blocks.find((b) => b.type === "actions");
    const confirm = actions?.type === "actions" ? actions.buttons[0] : undefined;
    expect(confirm?.confirm?.title).toBeTruthy();
    expect(confirm?.actionId).toBe("scope.confirm");

    const refused = await h.core.handleAction({
      actor: viewer,
      actionId: "scope.confirm",
      value: "all",
      conversation: channel,
    });
    expect(replyText(refused.replies[0])).toContain("ABM_OPERATORS");
    expect(h.engine.scope).toBe("assigned");

    const forged = await h.core.handleAction({
      actor: operator,
      actionId: "scope.confirm",
      value: "everyone",
      conversation: channel,
    });
    expect(forged.replies[0]?.visibility).toBe("private");
    expect(h.engine.scope).toBe("assigned");

    const done = await h.core.handleAction({
      actor: operator,
      actionId: "scope.confirm",
      value: "all",
      conversation: channel,
    });
    expect(h.engine.scope).toBe("all");
    expect(done.replies[0]?.visibility).toBe("channel");
    expect(done.replaceOriginal).not.toBeNull();
    expect(h.audit.entries.map((e) => `${e.command}:${e.outcome}`)).toEqual([
      "scope:requested",
      "scope.confirm:refused",
      "scope.confirm:refused",
      "scope.confirm:succeeded",
    ]);
  });

  it("restart previews and cancel changes nothing", async () => {
    const h = createHarness();
    seedUsers(h);
    await h.core.handle({ actor: operator, text: "sync", conversation: channel });
    const [preview] = await h.core.handle({ actor: operator, text: "restart", conversation: channel });
    expect(replyText(preview)).toContain("full cycle");
    const runs = h.engine.runs.length;
    const cancelled = await h.core.handleAction({
      actor: operator,
      actionId: "restart.cancel",
      value: "cancel",
      conversation: channel,
    });
    expect(h.engine.runs.length).toBe(runs);
    expect(replyText(cancelled.replaceOriginal)).toContain("nothing changed");
    const confirmed = await h.core.handleAction({
      actor: operator,
      actionId: "restart.confirm",
      value: "restart",
      conversation: channel,
    });
    expect(h.engine.runs[0]?.kind).toBe("restart");
    expect(replyText(confirmed.replies[0])).toContain("Sync restarted");
  });

  it("unknown actions are refused politely", async () => {
    const h = createHarness();
    const result = await h.core.handleAction({ actor: operator, actionId: "nope", value: "x", conversation: channel });
    expect(result.replies[0]?.visibility).toBe("private");
    expect(result.replaceOriginal).toBeNull();
  });
});
