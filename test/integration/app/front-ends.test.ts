import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from "vitest";
import { renderCard } from "#adapters/teams/cards.js";
import { cardInvokeBody, messageInvokeBody } from "#adapters/teams/replies.js";
import {
  assignEveryone,
  type ChatRoundTrip,
  expectSameEverywhere,
  filledFixture,
  SLACK_VIEWER,
  slackBody,
  startChatRoundTrip,
  TEAMS_VIEWER,
} from "#test/support/chat-round-trip.js";

/**
 * The front-end contract: one command, asked through the CLI (`--json` and text, over the running
 * service's admin socket as another `abm` process would), a signed Slack
 * slash command and a Teams channel message, against ONE running service (emulators, real Slack
 * and anonymous Teams edges). Every front end shows the same answer of the one command core:
 * the CLI's JSON is `{ok:true, ...answer.data}`, its text is `renderReplyText` of the replies,
 * Slack receives `renderSlack` of the replies (valid Block Kit) and Teams receives `renderCard`
 * of the replies (valid Adaptive Card 1.5). Each invocation asks the engine once.
 *
 * The inbound payloads are recorded shapes from the platforms' documentation
 * (test/fixtures/slack, test/fixtures/teams) with `{{PLACEHOLDER}}` ids filled in
 * (test/support/chat-round-trip.ts drives the service the same way for every test that asks in chat).
 *
 * State stays still during the suite: no scheduler, no alert channel, nothing but the commands
 * under test touches the service after beforeAll, and the commands read only. The clock is the
 * system clock; nothing in these answers depends on "now" except an approval's effective status,
 * which does not change within the test (the batch expires days later). Nothing is normalised:
 * these read commands do not name the asker, and each test ends by proving it (the core's answers
 * for the CLI, Slack and Teams askers are deep-equal). The expected answer is asked of the core
 * once per front end, for that front end's actor, just before the front end is driven.
 */
const SYSTEM = { id: "system", platform: "system" } as const;

/** the commands under test: chat text, and the same command as CLI argv (null: no CLI form) */
const COMMANDS: readonly { readonly text: string; readonly argv: readonly string[] | null; readonly engine: string }[] =
  [
    { text: "status", argv: ["status"], engine: "status" },
    { text: "history", argv: ["history"], engine: "history" },
    { text: "history 2", argv: ["history", "--limit", "2"], engine: "history" },
    { text: "errors", argv: ["errors"], engine: "failures" },
    { text: "check {{USER}}", argv: ["check", "{{USER}}"], engine: "checkUser" },
    { text: "approvals", argv: ["approvals"], engine: "refreshApprovals" },
    { text: "token", argv: ["token"], engine: "status" },
    { text: "conflicts", argv: ["conflicts"], engine: "failures" },
    // `abm help` is the CLI's own usage, not the chat command: chat front ends only
    { text: "help", argv: null, engine: "none" },
  ];

const ENGINE_READS = ["status", "history", "failures", "checkUser", "refreshApprovals"] as const;

describe("one command, four front ends, one answer", () => {
  let chat: ChatRoundTrip;
  let checkUser: string;
  let conflicted: string;
  const spies = new Map<string, MockInstance>();

  beforeAll(async () => {
    chat = await startChatRoundTrip({
      emulators: { users: 12, seed: 7, problemRate: 0.25 },
      env: { DELETION_THRESHOLD: "3" },
    });
    const { pair } = chat;
    const userIds = [...pair.graph.store.users.keys()];
    const groupId = assignEveryone(pair);
    // deterministic, rich state: a full run (some users fail: `errors` has content), then a held
    // batch of 5 removals (`approvals` shows a card with buttons, `status` mentions it)
    // one user's address is already a personal Apple Account: ABM answers 409 (`conflicts` has content)
    conflicted = String(pair.graph.store.users.get(userIds[10] ?? "")?.user.userPrincipalName);
    pair.abm.addConflicts([conflicted]);
    const engine = chat.service.services.connections[0].engine;
    const full = await engine.runCycle({ kind: "full", trigger: "cli", actor: SYSTEM });
    if (!full.ok) throw full.error;
    for (const id of userIds.slice(0, 5)) pair.graph.store.removeMember(groupId, id);
    const held = await engine.runCycle({ kind: "incremental", trigger: "cli", actor: SYSTEM });
    if (!held.ok || held.value.outcome !== "held") throw new Error("expected a held batch");
    const linked = pair.graph.store.users.get(userIds[8] ?? "")?.user.userPrincipalName;
    if (typeof linked !== "string") throw new Error("no user principal name to check");
    checkUser = linked;
    for (const name of ENGINE_READS) spies.set(name, vi.spyOn(engine, name));
  }, 60_000);

  afterAll(async () => {
    vi.restoreAllMocks();
    await chat?.close();
  });

  /** engine reads since the last reset, by method */
  function engineCalls(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const [name, spy] of spies) if (spy.mock.calls.length > 0) counts[name] = spy.mock.calls.length;
    return counts;
  }
  function resetEngineCalls(): void {
    for (const spy of spies.values()) spy.mockClear();
  }
  function expectAskedOnce(engine: string, front: string): void {
    expect(engineCalls(), `${front}: engine reads`).toEqual(engine === "none" ? {} : { [engine]: 1 });
    resetEngineCalls();
  }

  for (const { text: template, argv: argvTemplate, engine } of COMMANDS) {
    it(`\`${template}\` answers the same through the CLI, Slack and Teams`, async () => {
      const text = template.replace("{{USER}}", checkUser);
      const argv = argvTemplate?.map((a) => a.replace("{{USER}}", checkUser)) ?? null;
      resetEngineCalls();
      // for each front end the expected answer straight from the core (one engine read), then the
      // front end itself (one engine read each: `--json`, text, the slash command, the channel message)
      const asked = await chat.runEverywhere(
        { text, argv },
        { asked: resetEngineCalls, shown: (front) => expectAskedOnce(engine, front) },
      );

      const cliAnswer = asked.cli.answer;
      expect(cliAnswer.ok, JSON.stringify(cliAnswer.replies)).toBe(true);
      expect(cliAnswer.replies.length).toBeGreaterThan(0);
      // the state is rich enough to exercise the renderers: a failing user, a card with buttons
      if (template === "errors") expect(cliAnswer.ok && cliAnswer.data.total).toBe(2);
      if (template === "conflicts") expect(cliAnswer.ok && cliAnswer.data.total).toBe(1);
      // the held batch deactivates: the approval says what Apple does with leavers (ABM: 30 days)
      if (template === "approvals")
        expect(JSON.stringify(cliAnswer.replies)).toContain("cannot be used again for 30 days");
      if (template === "approvals") {
        expect(cliAnswer.replies.flatMap((r) => r.blocks).some((b) => b.type === "actions")).toBe(true);
      }
      // every front end shows exactly the core's answer, and the answers agree
      expectSameEverywhere(asked);
    });
  }

  /**
   * A button click from the recorded block_actions and Action.Execute payloads. The clicker is no
   * approver (ABM_APPROVERS is empty) and the button names no real batch: the core refuses, privately,
   * and no state changes, so the suite stays still. Slack gets what `renderSlack` makes of the
   * core's action result through response_url, Teams gets it as the invoke answer.
   */
  it("an approval button clicked by a non-approver answers the same in Slack (block_actions) and Teams (Action.Execute)", async () => {
    const action = { actionId: "approval.reject", value: "apr_0000000000000000000000stale" };
    const connection = chat.service.services.connections[0];
    const expected = await connection.chat.handleAction({
      actor: { platform: "slack", id: SLACK_VIEWER.userId, displayName: SLACK_VIEWER.userName },
      ...action,
      conversation: { platform: "slack", channelId: SLACK_VIEWER.channelId },
    });
    const { path, url } = chat.responseUrl();
    const payload = filledFixture("slack/block-actions.json", {
      TEAM_ID: "T1",
      APP_ID: "A1",
      CHANNEL_ID: SLACK_VIEWER.channelId,
      USER_ID: SLACK_VIEWER.userId,
      USER_NAME: SLACK_VIEWER.userName,
      ACTION_ID: action.actionId,
      VALUE: action.value,
      RESPONSE_URL: url,
    });
    const clicked = await chat.postSlack(new URLSearchParams({ payload: JSON.stringify(payload) }).toString());
    expect(clicked.status).toBe(200);
    const sent = [
      ...(expected.replaceOriginal === null ? [] : [{ reply: expected.replaceOriginal, replace: true }]),
      ...expected.replies.map((reply) => ({ reply, replace: false })),
    ];
    expect(sent.length).toBeGreaterThan(0);
    const responded = await chat.sink.waitFor(path, sent.length);
    expect(responded).toHaveLength(sent.length);
    sent.forEach(({ reply, replace }, i) => {
      expect(responded[i]?.body).toEqual(slackBody(reply, replace));
    });

    const teamsExpected = await connection.chat.handleAction({
      actor: {
        platform: "teams",
        id: TEAMS_VIEWER.id,
        displayName: TEAMS_VIEWER.name,
        entraObjectId: TEAMS_VIEWER.aadObjectId,
      },
      ...action,
      conversation: { platform: "teams", channelId: TEAMS_VIEWER.channelId },
    });
    const invoke = filledFixture("teams/invoke-action-execute.json", {
      SERVICE_URL: chat.connector.url,
      FROM_ID: TEAMS_VIEWER.id,
      FROM_NAME: TEAMS_VIEWER.name,
      FROM_AAD_OBJECT_ID: TEAMS_VIEWER.aadObjectId,
      TENANT_ID: "tenant-1",
      CHANNEL_ID: TEAMS_VIEWER.channelId,
      BOT_APP_ID: "bot-app-id",
      REPLY_TO_ID: "1700000000001",
      ACTION_ID: action.actionId,
      VALUE: action.value,
    });
    const answered = await chat.postTeams(invoke);
    expect(answered.status).toBe(200);
    const first = teamsExpected.replies[0];
    const body =
      teamsExpected.replaceOriginal !== null
        ? cardInvokeBody(teamsExpected.replaceOriginal)
        : first === undefined
          ? null
          : messageInvokeBody(first);
    expect(await answered.json()).toEqual(JSON.parse(JSON.stringify(body)));
    if (teamsExpected.replaceOriginal !== null) {
      expect(chat.validateCard(renderCard(teamsExpected.replaceOriginal))).toEqual([]);
    }
  });

  /**
   * Found by this suite: a slash command whose form carries an EMPTY `enterprise_id` (an optional
   * field) used to be refused with 401 — one empty id made the whole origin unknown.
   */
  it("accepts a slash command whose optional enterprise_id is empty", async () => {
    const sent = await chat.sendSlash("help", SLACK_VIEWER, `${chat.sink.url}/enterprise-empty`, {
      enterprise_id: "",
      enterprise_name: "",
    });
    expect(sent.status).toBe(200);
  });

  it("`abm conflicts --csv FILE --json` writes the list like ABM's Download Conflicts", async () => {
    const file = join(chat.home, "conflicts.csv");
    const json = await chat.cli(["conflicts", "--csv", file, "--json"]);
    expect(json.code, json.stderr).toBe(0);
    const data = JSON.parse(json.stdout) as {
      ok: boolean;
      total: number;
      csv: string;
      conflicts: { userName: string }[];
    };
    expect(data).toMatchObject({ ok: true, total: 1, csv: file });
    expect(data.conflicts[0]?.userName).toBe(conflicted);
    const [header, row, end] = readFileSync(file, "utf8").split("\r\n");
    expect(header).toBe("userName,entraId,since,lastAttemptAt,attempts,action,detail");
    expect(row?.startsWith(`${conflicted},`)).toBe(true);
    expect(row).toMatch(/409|uniqueness|conflict/i);
    expect(end).toBe("");
  });
});
