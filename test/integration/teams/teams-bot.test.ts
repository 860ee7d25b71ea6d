import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeamsBot, type TeamsBot } from "#adapters/teams/bot.js";
import { createTeamsNotifier } from "#adapters/teams/notifier.js";
import type { TeamsConversationReference } from "#adapters/teams/types.js";
import { silentLogger } from "#core/logger.js";
import { type CardRenderer, createCardValidator, loadCardRenderer } from "#test/support/teams/card-checks.js";
import {
  approver1,
  approver2,
  botAdded,
  CHANNEL,
  channelMessage,
  executeInvoke,
  operator,
  personalMessage,
  submitFallback,
  viewer,
} from "./support/activities.js";
import { approvalCard, createFakeChatCore, type FakeChatCore, VOTE_NOTE } from "./support/fake-chat-core.js";
import { type FakeConnector, startFakeConnector } from "./support/fake-connector.js";

const validate = createCardValidator();
let render: CardRenderer;
const cardsSeen: unknown[] = [];

interface Hosted {
  readonly url: string;
  readonly bot: TeamsBot;
  readonly core: FakeChatCore;
  close(): Promise<void>;
}

async function host(options: { appId?: string; appPassword?: string; tenantId?: string } = {}): Promise<Hosted> {
  const core = createFakeChatCore();
  const bot = createTeamsBot({
    ...options,
    appType: "SingleTenant",
    chat: core,
    conversations: core.conversations,
    logger: silentLogger,
  });
  const server: Server = createServer((req, res) => {
    void bot.handleHttp(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/messages`,
    bot,
    core,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, json: text === "" ? null : (JSON.parse(text) as unknown) };
}

interface CardAttachment {
  contentType: string;
  content: unknown;
}

function cardsOf(body: Record<string, unknown>): unknown[] {
  const attachments = (body.attachments ?? []) as CardAttachment[];
  const cards = attachments
    .filter((a) => a.contentType === "application/vnd.microsoft.card.adaptive")
    .map((a) => a.content);
  cardsSeen.push(...cards);
  return cards;
}

let connector: FakeConnector;
let anon: Hosted;

beforeAll(async () => {
  render = await loadCardRenderer();
  connector = await startFakeConnector();
  anon = await host();
});

afterAll(async () => {
  await anon.close();
  await connector.close();
});

describe("Teams bot over real HTTP (anonymous mode, fake connector)", () => {
  it("says it is anonymous", () => {
    expect(anon.bot.anonymous).toBe(true);
  });

  it("answers `@abm status` in a channel with a card posted to the thread", async () => {
    const before = connector.requests.length;
    const activity = channelMessage(connector.url, viewer, "status");
    const answer = await post(anon.url, activity);
    expect(answer.status).toBe(200);
    const command = anon.core.commands.at(-1);
    expect(command).toEqual({
      text: "status",
      actor: { platform: "teams", id: "29:viewer", displayName: "Vera Viewer", entraObjectId: "aad-viewer" },
      conversation: { platform: "teams", channelId: CHANNEL },
    });
    // saved on each command, so alerts and approvals can be posted here later
    expect(anon.core.references.get(CHANNEL)).toMatchObject({
      serviceUrl: connector.url,
      conversation: { id: CHANNEL, conversationType: "channel", tenantId: "tenant-1" },
    });
    const sent = connector.requests.slice(before);
    expect(sent).toHaveLength(1);
    const [request] = sent;
    expect(request?.method).toBe("POST");
    expect(request?.conversationId).toBe((activity.conversation as { id: string }).id);
    expect(request?.activityId).toBe(activity.id);
    const [card] = cardsOf(request?.body ?? {});
    expect(JSON.stringify(card)).toContain("Sync is **idle**; last run run\\\\_1 succeeded.");
  });

  it("returns the replies in the HTTP body with deliveryMode expectReplies (plain `status` in a personal chat)", async () => {
    const before = connector.requests.length;
    const answer = await post(
      anon.url,
      personalMessage(connector.url, viewer, "status", { deliveryMode: "expectReplies" }),
    );
    expect(answer.status).toBe(200);
    const activities = (answer.json as { activities: Record<string, unknown>[] }).activities;
    expect(activities).toHaveLength(1);
    expect(cardsOf(activities[0] ?? {})).toHaveLength(1);
    expect(anon.core.commands.at(-1)).toMatchObject({
      text: "status",
      conversation: { platform: "teams", channelId: "a:personal-29:viewer" },
    });
    expect(anon.core.references.get("a:personal-29:viewer")?.conversation.conversationType).toBe("personal");
    expect(connector.requests.length).toBe(before);
  });

  it("sends a refusal privately (1:1 chat), never to the channel", async () => {
    const before = connector.requests.length;
    const answer = await post(anon.url, channelMessage(connector.url, viewer, "sync"));
    expect(answer.status).toBe(200);
    const sent = connector.requests.slice(before);
    expect(sent.map((r) => r.method)).toEqual(["POST", "POST"]);
    expect(sent[0]?.conversationId).toBeNull();
    expect(sent[0]?.body).toMatchObject({ isGroup: false, members: [{ id: "29:viewer" }], tenantId: "tenant-1" });
    expect(sent).toHaveLength(2);
    expect(sent[1]?.conversationId).toMatch(/^a:personal-/);
    expect(sent[1]?.activityId).toBeNull();
    expect(sent.some((r) => r.conversationId?.startsWith(CHANNEL) === true)).toBe(false);
    expect(JSON.stringify(cardsOf(sent[1]?.body ?? {}))).toContain("not allowed");
  });

  it("lets an operator run `sync` in the channel and sends `check` privately", async () => {
    let before = connector.requests.length;
    await post(anon.url, channelMessage(connector.url, operator, "sync"));
    expect(connector.requests.slice(before).map((r) => r.conversationId?.split(";")[0])).toEqual([CHANNEL]);
    before = connector.requests.length;
    await post(anon.url, channelMessage(connector.url, operator, "check ada@example.com"));
    const sent = connector.requests.slice(before);
    expect(sent.map((r) => r.conversationId === null)).toEqual([true, false]);
    expect(anon.core.commands.at(-1)?.text).toBe("check ada@example.com");
  });

  it("answers an approve with the replaced card AND delivers the core's private note to the voter", async () => {
    const before = connector.requests.length;
    const answer = await post(
      anon.url,
      executeInvoke(connector.url, approver1, "card-msg-1", "approval.approve", "apr_1"),
    );
    expect(answer.status).toBe(200);
    // the replacement is the invoke response…
    expect(answer.json).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    const card = (answer.json as { value: unknown }).value;
    cardsSeen.push(card);
    expect(JSON.stringify(card)).toContain("Approved by Ada Approver");
    expect(JSON.stringify(card)).not.toContain(VOTE_NOTE);
    expect(anon.core.actions.at(-1)).toEqual({
      actor: { platform: "teams", id: "29:approver1", displayName: "Ada Approver", entraObjectId: "aad-approver-1" },
      actionId: "approval.approve",
      value: "apr_1",
      conversation: { platform: "teams", channelId: CHANNEL },
    });
    const sent = connector.requests.slice(before);
    expect(
      sent.map((r) => [r.method, r.conversationId?.startsWith("a:personal-") ? "personal" : r.conversationId]),
    ).toEqual([
      // …the card message is updated for everyone…
      ["PUT", CHANNEL],
      // …and the private note goes to the voter's 1:1 chat (created on demand), never to the channel
      ["POST", null],
      ["POST", "personal"],
    ]);
    expect(sent[0]?.activityId).toBe("card-msg-1");
    expect(JSON.stringify(cardsOf(sent[0]?.body ?? {}))).toContain("Approved by Ada Approver");
    expect(sent[1]?.body).toMatchObject({ isGroup: false, members: [{ id: "29:approver1" }] });
    expect(JSON.stringify(cardsOf(sent[2]?.body ?? {}))).toContain(VOTE_NOTE);
  });

  it("keeps the card answer when the private note cannot be delivered (logged, not an error)", async () => {
    connector.refuseConversations(1);
    const before = connector.requests.length;
    const answer = await post(
      anon.url,
      executeInvoke(connector.url, approver2, "card-msg-4", "approval.approve", "apr_1"),
    );
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    const sent = connector.requests.slice(before);
    expect(sent.map((r) => r.method)).toEqual(["PUT", "POST"]);
    expect(sent[1]?.conversationId).toBeNull();
  });

  it("refuses a non-approver with a message only the clicker sees and leaves the card alone", async () => {
    const before = connector.requests.length;
    const answer = await post(
      anon.url,
      executeInvoke(connector.url, viewer, "card-msg-1", "approval.approve", "apr_1"),
    );
    expect(answer.json).toEqual({
      statusCode: 200,
      type: "application/vnd.microsoft.activity.message",
      value: "You are not an approver.",
    });
    expect(connector.requests.length).toBe(before);
  });

  it("applies a two-approver race once", async () => {
    const racing = await host();
    try {
      const [a, b] = await Promise.all([
        post(racing.url, executeInvoke(connector.url, approver1, "card-msg-2", "approval.approve", "apr_1")),
        post(racing.url, executeInvoke(connector.url, approver2, "card-msg-2", "approval.approve", "apr_1")),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(racing.core.executed).toBe(1);
      expect(JSON.stringify(a.json)).toBe(JSON.stringify(b.json));
    } finally {
      await racing.close();
    }
  });

  it("handles the Action.Submit fallback (message with value) like the invoke", async () => {
    const before = connector.requests.length;
    await post(anon.url, submitFallback(connector.url, approver2, "card-msg-3", "approval.approve", "apr_1"));
    expect(anon.core.actions.at(-1)).toMatchObject({
      actionId: "approval.approve",
      actor: { entraObjectId: "aad-approver-2" },
    });
    const sent = connector.requests.slice(before);
    expect(sent.map((r) => r.method)).toEqual(["PUT", "POST", "POST"]);
    expect(sent[0]).toMatchObject({ method: "PUT", activityId: "card-msg-3" });
    expect(JSON.stringify(cardsOf(sent[2]?.body ?? {}))).toContain(VOTE_NOTE);
  });

  it("stores the conversation reference when the bot is added", async () => {
    anon.core.references.clear();
    await post(anon.url, botAdded(connector.url));
    expect(anon.core.references.get(CHANNEL)).toMatchObject({
      serviceUrl: connector.url,
      bot: { id: "28:bot-app-id" },
    });
  });

  it("rejects malformed bodies", async () => {
    expect((await post(anon.url, "{not json")).status).toBe(400);
    expect((await post(anon.url, "[1,2]")).status).toBe(400);
  });

  it("posts proactively to a stored reference, replies in the thread and updates the parent", async () => {
    const reference = anon.core.references.get(CHANNEL) as TeamsConversationReference;
    const store = { save: async () => undefined, load: async (id: string) => anon.core.references.get(id) ?? null };
    const notifier = createTeamsNotifier({ transport: anon.bot.transport, store, logger: silentLogger });
    const before = connector.requests.length;
    const posted = await notifier.post(CHANNEL, approvalCard("apr_9"));
    expect(posted.ok).toBe(true);
    const parentId = posted.ok ? posted.value.activityId : "";
    const threaded = await notifier.reply(reference, parentId, {
      ...approvalCard("apr_9"),
      blocks: [{ type: "text", text: "Still held." }],
    });
    expect(threaded.ok).toBe(true);
    const updated = await notifier.update(CHANNEL, parentId, {
      ...approvalCard("apr_9"),
      blocks: [{ type: "text", text: "Resolved." }],
    });
    expect(updated.ok).toBe(true);
    const sent = connector.requests.slice(before);
    expect(sent.map((r) => [r.method, r.conversationId, r.activityId])).toEqual([
      ["POST", CHANNEL, null],
      ["POST", `${CHANNEL};messageid=${parentId}`, null],
      ["PUT", CHANNEL, parentId],
    ]);
    for (const request of sent) expect(cardsOf(request.body)).toHaveLength(1);
    const unknown = await notifier.post("19:nowhere@thread.tacv2", approvalCard("x"));
    expect(unknown.ok ? "" : unknown.error.code).toBe("teams.unknown_conversation");
  });
});

describe("Teams bot with an app id configured", () => {
  let secured: Hosted;
  beforeAll(async () => {
    secured = await host({
      appId: "00000000-0000-4000-8000-000000000001",
      appPassword: "not-a-real-secret",
      tenantId: "11111111-1111-4111-8111-111111111111",
    });
  });
  afterAll(async () => {
    await secured.close();
  });

  it("is not anonymous and rejects activities without a token or with a bad token (401)", async () => {
    expect(secured.bot.anonymous).toBe(false);
    const before = connector.requests.length;
    const none = await post(secured.url, channelMessage(connector.url, operator, "sync"));
    const bad = await post(secured.url, channelMessage(connector.url, operator, "sync"), {
      authorization: "Bearer not.a.jwt",
    });
    const garbage = await post(secured.url, channelMessage(connector.url, operator, "sync"), {
      authorization: "Basic abc",
    });
    expect([none.status, bad.status, garbage.status]).toEqual([401, 401, 401]);
    expect(JSON.stringify(none.json)).not.toContain("not-a-real-secret");
    expect(secured.core.commands).toHaveLength(0);
    expect(connector.requests.length).toBe(before);
  });

  it("refuses an app id without a password for a SingleTenant bot at start", () => {
    expect(() =>
      createTeamsBot({
        appId: "00000000-0000-4000-8000-000000000001",
        appType: "SingleTenant",
        chat: createFakeChatCore(),
        conversations: createFakeChatCore().conversations,
        logger: silentLogger,
      }),
    ).toThrow(/MICROSOFT_APP_PASSWORD/);
  });
});

describe("every card produced in these tests", () => {
  it("validates against the Adaptive Card 1.5 schema and renders with adaptivecards", () => {
    const all = new Set([...cardsSeen, ...connector.requests.flatMap((r) => cardsOf(r.body))]);
    expect(all.size).toBeGreaterThanOrEqual(10);
    for (const card of all) {
      expect(validate(card)).toEqual([]);
      const rendered = render(card);
      expect(rendered.warnings).toEqual([]);
      expect(rendered.text.length).toBeGreaterThan(0);
    }
  });
});
