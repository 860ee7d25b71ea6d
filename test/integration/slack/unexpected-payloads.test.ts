import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChatHandler } from "#adapters/slack/index.js";
import { createHarness, VIEWER } from "#test/support/chat/harness.js";
import { postSigned, slashCommandBody } from "./support/signed-request.js";
import { SECRET, type SlackFixture, startSlackFixture } from "./support/slack-fixture.js";

/**
 * Issue 13 item 10: correctly signed payloads of kinds the app does not use reach the real Bolt
 * app's receiver; each is answered 200 with nothing done (before: 500 from inside Bolt).
 */
const interactive = (payload: Record<string, unknown>): string =>
  new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

const base = {
  team: { id: "T1", domain: "example" },
  user: { id: VIEWER, name: "viewer" },
  api_app_id: "A1",
  token: "deprecated-verification-token",
  trigger_id: "1.2.3",
};

const unexpected: readonly { readonly name: string; readonly body: string; readonly contentType?: string }[] = [
  { name: "view_submission with no view", body: interactive({ ...base, type: "view_submission" }) },
  { name: "global shortcut", body: interactive({ ...base, type: "shortcut", callback_id: "abm_status" }) },
  {
    name: "message shortcut",
    body: interactive({ ...base, type: "message_action", callback_id: "abm_check", channel: { id: "C1" } }),
  },
  {
    name: "block_suggestion",
    body: interactive({ ...base, type: "block_suggestion", action_id: "approval.approve", value: "x" }),
  },
  { name: "view_closed", body: interactive({ ...base, type: "view_closed" }) },
  {
    name: "event_callback with no event",
    body: JSON.stringify({ token: "t", team_id: "T1", api_app_id: "A1", type: "event_callback", event_id: "Ev1" }),
    contentType: "application/json",
  },
  {
    name: "event_callback for an event the app does not subscribe to",
    body: JSON.stringify({
      token: "t",
      team_id: "T1",
      api_app_id: "A1",
      type: "event_callback",
      event_id: "Ev2",
      event_time: 1,
      event: { type: "app_mention", user: VIEWER, text: "<@UBOT> pause", channel: "C1", ts: "1.1" },
    }),
    contentType: "application/json",
  },
  {
    name: "another slash command",
    body: slashCommandBody({ text: "pause", userId: VIEWER, responseUrl: "http://127.0.0.1:9/never" }).replace(
      "command=%2Fabm",
      "command=%2Fother",
    ),
  },
];

describe("signed Slack payloads the app does not use", () => {
  const harness = createHarness({ approvalsRequired: 1 });
  const calls: string[] = [];
  const recording: ChatHandler = {
    handle: (request) => {
      calls.push(`command:${request.text}`);
      return harness.core.handle(request);
    },
    handleAction: (request) => {
      calls.push(`action:${request.actionId}`);
      return harness.core.handleAction(request);
    },
  };
  let fx: SlackFixture;

  beforeAll(async () => {
    fx = await startSlackFixture({ chat: recording });
  });
  afterAll(async () => {
    await fx.close();
  });

  it.each(unexpected)("answers $name with 200 and does nothing", async ({ body, contentType }) => {
    const sent = await postSigned(fx.eventsUrl, body, {
      secret: SECRET,
      ...(contentType === undefined ? {} : { contentType }),
    });
    expect(sent.status).toBe(200);
    expect(sent.body).toBe("");
    expect(sent.ms).toBeLessThan(2_000);
    expect(calls).toEqual([]);
    expect(fx.api.calls).toEqual([]);
  });

  it("still runs the slash command it registers", async () => {
    const body = slashCommandBody({ text: "status", userId: VIEWER, responseUrl: `${fx.sink.url}/status` });
    expect((await postSigned(fx.eventsUrl, body, { secret: SECRET })).status).toBe(200);
    await fx.sink.waitFor("/status");
    expect(calls).toEqual(["command:status"]);
  });
});
