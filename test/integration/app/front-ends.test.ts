import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, type MockInstance, vi } from "vitest";
import { renderSlack, slackResponseType } from "#adapters/slack/render/blocks.js";
import { validateSlackMessage } from "#adapters/slack/render/validate.js";
import { renderCard } from "#adapters/teams/cards.js";
import { cardInvokeBody, messageInvokeBody } from "#adapters/teams/replies.js";
import { cliActor } from "#app/cli/app-access.js";
import { targetsFromEmulators } from "#app/connection.js";
import { type EmulatorPair, startEmulators } from "#app/emulators.js";
import { acquireDataDirLock, type DataDirLock } from "#app/process-lock.js";
import { renderReplyText } from "#app/render-text.js";
import type { RunningService } from "#app/runtime.js";
import { loadConfig } from "#config/load-config.js";
import type { Answer } from "#core/chat/context.js";
import { parseCommand } from "#core/chat/grammar.js";
import type { ChatActor, ConversationRef } from "#core/chat/ports.js";
import { startTestService } from "#test/support/service.js";
import { createCardValidator } from "#test/support/teams/card-checks.js";
import { until } from "#test/support/until.js";
import { type FakeSlackApi, startFakeSlackApi } from "../slack/support/fake-slack-api.js";
import { type ResponseSink, startResponseSink } from "../slack/support/response-sink.js";
import { postSigned } from "../slack/support/signed-request.js";
import { type FakeConnector, startFakeConnector } from "../teams/support/fake-connector.js";

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
 * (test/fixtures/slack, test/fixtures/teams) with `{{PLACEHOLDER}}` ids filled in here: the Slack
 * team and app ids must be the ones the fake Web API's auth.test / bots.info report (T1 / A1),
 * or the service's workspace check refuses the request.
 *
 * State stays still during the suite: no scheduler, no alert channel, nothing but the commands
 * under test touches the service after beforeAll, and the commands read only. The clock is the
 * system clock; nothing in these answers depends on "now" except an approval's effective status,
 * which does not change within the test (the batch expires days later). Nothing is normalised:
 * these read commands do not name the asker, and each test ends by proving it (the core's answers
 * for the CLI, Slack and Teams askers are deep-equal). The expected answer is asked of the core
 * once per front end, for that front end's actor, just before the front end is driven.
 */
const SECRET = "front-ends-signing-secret-0123456789";
const SLACK_CHANNEL = "CITOPS01";
const SLACK_USER = "UVIEWER1";
const TEAMS_CHANNEL = "19:it-ops@thread.tacv2";
const TEAMS_FROM = { id: "29:vera", name: "Vera Viewer", aadObjectId: "aad-vera" };
const SYSTEM = { id: "system", platform: "system" } as const;
const CLI_CONVERSATION: ConversationRef = { platform: "cli", channelId: "cli" };

type Fields = Readonly<Record<string, string>>;

function fixture(path: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), "utf8"));
}

/** fills `{{NAME}}` placeholders in every string of a recorded payload */
function fill(value: unknown, fields: Fields): unknown {
  if (typeof value === "string") {
    return value.replace(/\{\{([A-Z_]+)\}\}/g, (whole, name: string) => {
      const given = fields[name];
      if (given === undefined) throw new Error(`fixture placeholder ${whole} has no value`);
      return given;
    });
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, fields));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, fields)]));
  }
  return value;
}

function slashCommandForm(fields: Fields): string {
  const filled = fill(fixture("slack/slash-command.json"), fields);
  if (filled === null || typeof filled !== "object") throw new Error("slash command fixture is not an object");
  return new URLSearchParams(Object.entries(filled).map(([k, v]): [string, string] => [k, String(v)])).toString();
}

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
  let pair: EmulatorPair;
  let api: FakeSlackApi;
  let sink: ResponseSink;
  let connector: FakeConnector;
  let service: RunningService;
  let checkUser: string;
  let conflicted: string;
  const validateCard = createCardValidator();
  let home: string;
  let lock: DataDirLock;
  const spies = new Map<string, MockInstance>();

  beforeAll(async () => {
    pair = await startEmulators({ users: 12, seed: 7, problemRate: 0.25 });
    const userIds = [...pair.graph.store.users.keys()];
    const groupId = pair.graph.store.createGroup("ABM users").id;
    for (const id of userIds) pair.graph.store.addMember(groupId, id);
    pair.graph.store.assign(groupId);
    api = await startFakeSlackApi();
    sink = await startResponseSink();
    connector = await startFakeConnector();
    const config = loadConfig({
      TEAMS_ALLOW_ANONYMOUS: "true",
      SLACK_BOT_TOKEN: "xoxb-front-ends",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: api.url,
      DELETION_THRESHOLD: "3",
    });
    if (!config.ok) throw config.error;
    // the database stays in memory; the data directory only holds the lock and the admin socket
    home = mkdtempSync(join(tmpdir(), "abm-fe-"));
    const locked = acquireDataDirLock(join(home, "data"), "serve", "serve");
    if (!locked.ok) throw locked.error;
    lock = locked.value;
    service = await startTestService({
      lock,
      config: config.value,
      targets: { default: targetsFromEmulators(pair) },
    });
    // deterministic, rich state: a full run (some users fail: `errors` has content), then a held
    // batch of 5 removals (`approvals` shows a card with buttons, `status` mentions it)
    // one user's address is already a personal Apple Account: ABM answers 409 (`conflicts` has content)
    conflicted = String(pair.graph.store.users.get(userIds[10] ?? "")?.user.userPrincipalName);
    pair.abm.addConflicts([conflicted]);
    const full = await service.services.connections[0].engine.runCycle({ kind: "full", trigger: "cli", actor: SYSTEM });
    if (!full.ok) throw full.error;
    for (const id of userIds.slice(0, 5)) pair.graph.store.removeMember(groupId, id);
    const held = await service.services.connections[0].engine.runCycle({
      kind: "incremental",
      trigger: "cli",
      actor: SYSTEM,
    });
    if (!held.ok || held.value.outcome !== "held") throw new Error("expected a held batch");
    const linked = pair.graph.store.users.get(userIds[8] ?? "")?.user.userPrincipalName;
    if (typeof linked !== "string") throw new Error("no user principal name to check");
    checkUser = linked;
    for (const name of ENGINE_READS) spies.set(name, vi.spyOn(service.services.connections[0].engine, name));
  }, 60_000);

  afterAll(async () => {
    vi.restoreAllMocks();
    await service?.stop();
    await Promise.allSettled([pair?.close(), api?.close(), sink?.close(), connector?.close()]);
    lock?.release();
    if (home !== undefined) rmSync(home, { recursive: true, force: true });
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

  async function execute(text: string, actor: ChatActor, conversation: ConversationRef): Promise<Answer> {
    const command = parseCommand(text);
    if (!command.ok) throw command.error;
    const chat =
      actor.platform === "cli" ? service.services.connections[0].cliChat : service.services.connections[0].chat;
    return chat.execute({ actor, command: command.value, conversation });
  }

  /**
   * The CLI as another process runs it against the running service: argv over the admin socket
   * (what `abm <command>` does when a service holds the data directory), stdout as it prints it.
   */
  function abm(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const socketPath = join(lock.dataDir, "admin.sock");
    const headers = { "content-type": "application/json", authorization: `Bearer ${lock.owner.token ?? ""}` };
    return new Promise((resolve, reject) => {
      const req = request({ socketPath, path: "/cli", method: "POST", headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
            exitCode?: number;
            stdout?: string;
            stderr?: string;
          };
          if (res.statusCode !== 200) reject(new Error(`admin socket answered ${res.statusCode}`));
          resolve({ code: body.exitCode ?? -1, stdout: body.stdout ?? "", stderr: body.stderr ?? "" });
        });
      });
      req.on("error", reject);
      req.end(JSON.stringify({ argv }));
    });
  }

  const slackActor: ChatActor = { platform: "slack", id: SLACK_USER, displayName: "vera" };
  const teamsActor = (): ChatActor => ({
    platform: "teams",
    id: TEAMS_FROM.id,
    displayName: TEAMS_FROM.name,
    entraObjectId: TEAMS_FROM.aadObjectId,
  });

  for (const { text: template, argv: argvTemplate, engine } of COMMANDS) {
    it(`\`${template}\` answers the same through the CLI, Slack and Teams`, async () => {
      const text = template.replace("{{USER}}", checkUser);
      resetEngineCalls();

      // the expected answer, straight from the core (one engine read each)
      const cliAnswer = await execute(text, cliActor().chatActor, CLI_CONVERSATION);
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
      resetEngineCalls();

      if (argvTemplate !== null) {
        const argv = argvTemplate.map((a) => a.replace("{{USER}}", checkUser));
        if (!cliAnswer.ok) throw new Error("unreachable");
        // (a) `--json`: exactly `{ok:true, ...data}` of the core's answer to the same command
        const json = await abm([...argv, "--json"]);
        expect(json.code, json.stderr).toBe(0);
        expect(JSON.parse(json.stdout)).toEqual({ ok: true, ...JSON.parse(JSON.stringify(cliAnswer.data)) });
        expectAskedOnce(engine, "cli --json");
        // (b) text: the core's replies rendered for a terminal, one after the other
        const plain = await abm(argv);
        expect(plain.code, plain.stderr).toBe(0);
        expect(plain.stdout).toBe(`${cliAnswer.replies.map(renderReplyText).join("\n")}\n`);
        expectAskedOnce(engine, "cli text");
      }

      // (c) Slack: a signed slash command built from the recorded payload
      const slackAnswer = await execute(text, slackActor, { platform: "slack", channelId: SLACK_CHANNEL });
      resetEngineCalls();
      const path = `/${Math.random().toString(36).slice(2)}`;
      const sent = await postSigned(
        `${service.url}/slack/events`,
        slashCommandForm({
          TEAM_ID: "T1",
          APP_ID: "A1",
          CHANNEL_ID: SLACK_CHANNEL,
          USER_ID: SLACK_USER,
          USER_NAME: "vera",
          TEXT: text,
          RESPONSE_URL: `${sink.url}${path}`,
        }),
        { secret: SECRET },
      );
      expect(sent.status).toBe(200);
      const responded = await sink.waitFor(path, slackAnswer.replies.length);
      expect(responded).toHaveLength(slackAnswer.replies.length);
      slackAnswer.replies.forEach((reply, i) => {
        const message = renderSlack(reply);
        expect(validateSlackMessage(message), `${text}: Block Kit`).toEqual([]);
        expect(responded[i]?.body).toEqual({
          response_type: slackResponseType(reply),
          replace_original: false,
          text: message.text,
          blocks: JSON.parse(JSON.stringify(message.blocks)),
        });
      });
      expectAskedOnce(engine, "slack");

      // (d) Teams: a channel message that @mentions the bot, built from the recorded activity
      const teamsAnswer = await execute(text, teamsActor(), { platform: "teams", channelId: TEAMS_CHANNEL });
      resetEngineCalls();
      const before = connector.requests.length;
      const activity = fill(fixture("teams/message-activity.json"), {
        SERVICE_URL: connector.url,
        FROM_ID: TEAMS_FROM.id,
        FROM_NAME: TEAMS_FROM.name,
        FROM_AAD_OBJECT_ID: TEAMS_FROM.aadObjectId,
        TENANT_ID: "tenant-1",
        CHANNEL_ID: TEAMS_CHANNEL,
        BOT_APP_ID: "bot-app-id",
        TEXT: text,
      });
      const posted = await fetch(`${service.url}/api/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(activity),
      });
      expect(posted.status, await posted.text()).toBeLessThan(300);
      const messages = await until("the Teams replies", () => {
        const found = connector.requests
          .slice(before)
          .filter((r) => r.method === "POST" && r.activityId === null && r.conversationId !== null);
        return found.length >= teamsAnswer.replies.length ? found : undefined;
      });
      expect(messages).toHaveLength(teamsAnswer.replies.length);
      teamsAnswer.replies.forEach((reply, i) => {
        const card = renderCard(reply);
        expect(validateCard(card), `${text}: Adaptive Card 1.5`).toEqual([]);
        const message = messages[i];
        // private replies go to the asker's 1:1 chat, channel replies to the channel thread
        expect(
          message?.conversationId?.startsWith(reply.visibility === "private" ? "a:personal-" : TEAMS_CHANNEL),
        ).toBe(true);
        const attachments = message?.body.attachments;
        expect(attachments).toEqual([
          { contentType: "application/vnd.microsoft.card.adaptive", content: JSON.parse(JSON.stringify(card)) },
        ]);
      });
      expectAskedOnce(engine, "teams");

      // and the front ends agree with each other: the same replies for every asker
      expect(slackAnswer).toEqual(teamsAnswer);
      if (argvTemplate !== null) expect(slackAnswer).toEqual(cliAnswer);
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
    const expected = await service.services.connections[0].chat.handleAction({
      actor: { platform: "slack", id: SLACK_USER, displayName: "vera" },
      ...action,
      conversation: { platform: "slack", channelId: SLACK_CHANNEL },
    });
    const path = `/click-${Math.random().toString(36).slice(2)}`;
    const payload = fill(fixture("slack/block-actions.json"), {
      TEAM_ID: "T1",
      APP_ID: "A1",
      CHANNEL_ID: SLACK_CHANNEL,
      USER_ID: SLACK_USER,
      USER_NAME: "vera",
      ACTION_ID: action.actionId,
      VALUE: action.value,
      RESPONSE_URL: `${sink.url}${path}`,
    });
    const clicked = await postSigned(
      `${service.url}/slack/events`,
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      { secret: SECRET },
    );
    expect(clicked.status).toBe(200);
    const sent = [
      ...(expected.replaceOriginal === null ? [] : [{ reply: expected.replaceOriginal, replace: true }]),
      ...expected.replies.map((reply) => ({ reply, replace: false })),
    ];
    expect(sent.length).toBeGreaterThan(0);
    const responded = await sink.waitFor(path, sent.length);
    expect(responded).toHaveLength(sent.length);
    sent.forEach(({ reply, replace }, i) => {
      const message = renderSlack(reply);
      expect(validateSlackMessage(message)).toEqual([]);
      expect(responded[i]?.body).toEqual({
        response_type: slackResponseType(reply),
        replace_original: replace,
        text: message.text,
        blocks: JSON.parse(JSON.stringify(message.blocks)),
      });
    });

    const teamsExpected = await service.services.connections[0].chat.handleAction({
      actor: teamsActor(),
      ...action,
      conversation: { platform: "teams", channelId: TEAMS_CHANNEL },
    });
    const invoke = fill(fixture("teams/invoke-action-execute.json"), {
      SERVICE_URL: connector.url,
      FROM_ID: TEAMS_FROM.id,
      FROM_NAME: TEAMS_FROM.name,
      FROM_AAD_OBJECT_ID: TEAMS_FROM.aadObjectId,
      TENANT_ID: "tenant-1",
      CHANNEL_ID: TEAMS_CHANNEL,
      BOT_APP_ID: "bot-app-id",
      REPLY_TO_ID: "1700000000001",
      ACTION_ID: action.actionId,
      VALUE: action.value,
    });
    const answered = await fetch(`${service.url}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(invoke),
    });
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
      expect(validateCard(renderCard(teamsExpected.replaceOriginal))).toEqual([]);
    }
  });

  /**
   * Found by this suite: a slash command whose form carries an EMPTY `enterprise_id` (an optional
   * field) used to be refused with 401 — one empty id made the whole origin unknown.
   */
  it("accepts a slash command whose optional enterprise_id is empty", async () => {
    const form = new URLSearchParams(
      slashCommandForm({
        TEAM_ID: "T1",
        APP_ID: "A1",
        CHANNEL_ID: SLACK_CHANNEL,
        USER_ID: SLACK_USER,
        USER_NAME: "vera",
        TEXT: "help",
        RESPONSE_URL: `${sink.url}/enterprise-empty`,
      }),
    );
    form.set("enterprise_id", "");
    form.set("enterprise_name", "");
    const sent = await postSigned(`${service.url}/slack/events`, form.toString(), { secret: SECRET });
    expect(sent.status).toBe(200);
  });

  it("`abm conflicts --csv FILE --json` writes the list like ABM's Download Conflicts", async () => {
    const file = join(home, "conflicts.csv");
    const json = await abm(["conflicts", "--csv", file, "--json"]);
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
