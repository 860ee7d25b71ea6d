import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatHandler, SlackForeignRequest } from "#adapters/slack/index.js";
import { createHarness, OPERATOR } from "#test/support/chat/harness.js";
import { blockActionBody, postSigned, slashCommandBody } from "./support/signed-request.js";
import { SECRET, type SlackFixture, startSlackFixture } from "./support/slack-fixture.js";

/**
 * Real Bolt over real HTTP: the bot learns its own workspace and app from auth.test / bots.info at
 * start, and a correctly signed request from another team or for another app is refused (401)
 * before the chat core runs anything.
 */
describe("Slack requests from another workspace or app", () => {
  const harness = createHarness({ approvalsRequired: 1 });
  const seen: string[] = [];
  const chat: ChatHandler = {
    handle: (request) => {
      seen.push(`command ${request.text}`);
      return harness.core.handle(request);
    },
    handleAction: (request) => {
      seen.push(`action ${request.actionId}`);
      return harness.core.handleAction(request);
    },
  };
  const refused: SlackForeignRequest[] = [];
  let fx: SlackFixture;

  beforeAll(async () => {
    fx = await startSlackFixture({
      chat,
      onForeign: async (r) => {
        refused.push(r);
      },
    });
    await fx.adapter.start();
  });
  afterAll(async () => {
    await fx.close();
  });

  it("learns the bot's team and app at start", () => {
    expect(fx.api.byMethod("auth.test")).toHaveLength(1);
    expect(fx.api.byMethod("bots.info").map((c) => c.body.bot)).toEqual(["BBOT"]);
  });

  it("refuses an operator's signed /abm pause from another team or for another app: 401, nothing run", async () => {
    for (const [path, other] of [
      ["/t2", { teamId: "T2" }],
      ["/a2", { appId: "A2" }],
    ] as const) {
      const body = slashCommandBody({
        text: "pause",
        userId: OPERATOR,
        responseUrl: `${fx.sink.url}${path}`,
        ...other,
      });
      const sent = await postSigned(fx.eventsUrl, body, { secret: SECRET });
      expect(sent.status, path).toBe(401);
      expect(sent.body).toContain("slack.foreign_request");
    }
    expect(seen).toEqual([]);
    expect(harness.engine.paused).toBe(false);
    expect(refused.map((r) => [r.kind, r.userId, r.reason])).toEqual([
      ["slash_command", OPERATOR, "team T2 is not this workspace"],
      ["slash_command", OPERATOR, "api_app_id A2 is not this app"],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fx.sink.received).toHaveLength(0);

    const ours = slashCommandBody({ text: "pause", userId: OPERATOR, responseUrl: `${fx.sink.url}/t1` });
    expect((await postSigned(fx.eventsUrl, ours, { secret: SECRET })).status).toBe(200);
    await fx.sink.waitFor("/t1");
    expect(harness.engine.paused).toBe(true);
  });

  it("refuses a button click from another team before the approver check", async () => {
    const body = blockActionBody({
      userId: OPERATOR,
      actionId: "approval.approve",
      value: "apr_test1",
      channelId: "C123",
      messageTs: "1.2",
      responseUrl: `${fx.sink.url}/click`,
      teamId: "T9",
    });
    const sent = await postSigned(fx.eventsUrl, body, { secret: SECRET });
    expect(sent.status).toBe(401);
    expect(seen.filter((s) => s.startsWith("action"))).toEqual([]);
    expect(refused.at(-1)).toMatchObject({ kind: "block_actions", teamIds: ["T9", "T9"] });
  });
});

describe("Slack before the bot knows its workspace", () => {
  let fx: SlackFixture;
  const seen: string[] = [];
  const harness = createHarness({ approvalsRequired: 1 });

  beforeAll(async () => {
    fx = await startSlackFixture({
      chat: {
        handle: (r) => {
          seen.push(r.text);
          return harness.core.handle(r);
        },
        handleAction: (r) => harness.core.handleAction(r),
      },
    });
  });
  afterAll(async () => {
    await fx.close();
  });

  it("answers 503 while auth.test fails, runs nothing, and learns it on a later request", async () => {
    fx.api.failWith("auth.test", 1, "internal_error");
    const first = slashCommandBody({ text: "status", userId: OPERATOR, responseUrl: `${fx.sink.url}/first` });
    const refused = await postSigned(fx.eventsUrl, first, { secret: SECRET });
    expect(refused.status).toBe(503);
    expect(seen).toEqual([]);
    const second = slashCommandBody({ text: "status", userId: OPERATOR, responseUrl: `${fx.sink.url}/second` });
    expect((await postSigned(fx.eventsUrl, second, { secret: SECRET })).status).toBe(200);
    await fx.sink.waitFor("/second");
    expect(seen).toEqual(["status"]);
  });
});
