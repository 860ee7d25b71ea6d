import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { validateSlackHomeView } from "#adapters/slack/index.js";
import { APPROVER_A, createHarness, VIEWER } from "#test/support/chat/harness.js";
import { seedHome } from "#test/support/chat/home-world.js";
import { until } from "#test/support/until.js";
import { appHomeOpenedBody, homeBlockActionBody, postSigned } from "./support/signed-request.js";
import { SECRET, type SlackFixture, startSlackFixture } from "./support/slack-fixture.js";

/**
 * The App Home tab through the real Bolt app: a signed `app_home_opened` event_callback makes the
 * app publish the person's home (`views.publish` on the local Web API fake), a valid Home tab view;
 * the held batch's buttons show only to approvers; a click there is answered and the home re-published.
 */
const CHART_URL = "https://abm.example.com/charts/test.png";

interface View {
  readonly type: string;
  readonly blocks: readonly { readonly type: string; readonly [key: string]: unknown }[];
}

describe("Slack App Home", () => {
  const harness = createHarness({ approvalsRequired: 1, viewers: [VIEWER] });
  let fx: SlackFixture;
  let chartUrl: string | null = CHART_URL;

  beforeAll(async () => {
    await seedHome(harness);
    fx = await startSlackFixture({ chat: harness.core, chartImage: () => chartUrl });
  });
  afterAll(async () => {
    await fx.close();
  });
  afterEach(() => {
    fx.api.calls.length = 0;
    chartUrl = CHART_URL;
  });

  async function open(userId: string): Promise<View> {
    const body = appHomeOpenedBody({ userId });
    const sent = await postSigned(fx.eventsUrl, body, { secret: SECRET, contentType: "application/json" });
    expect(sent.status).toBe(200);
    const call = await until("views.publish", () =>
      fx.api.byMethod("views.publish").find((c) => c.body.user_id === userId),
    );
    return call.body.view as View;
  }

  it("publishes an approver's home with the state, the chart image and the Approve/Reject buttons", async () => {
    const view = await open(APPROVER_A);
    expect(validateSlackHomeView(view)).toEqual([]);
    const json = JSON.stringify(view);
    expect(json).toContain("ABM sync: Waiting for deletion approval");
    expect(json).toContain("45 days left");
    expect(json).toContain("Missing given name");
    const image = view.blocks.find((b) => b.type === "image");
    expect(image).toMatchObject({ image_url: CHART_URL, title: { text: "Last 4 runs" } });
    expect(String(image?.alt_text)).toContain("03-01 09:50: 2 created, 1 updated, 3 failed");
    const actions = view.blocks
      .filter((b) => b.type === "actions")
      .flatMap((b) => b.elements as { action_id: string }[]);
    expect(actions.map((a) => a.action_id)).toEqual(["approval.approve", "approval.reject"]);
  });

  it("shows a viewer the held users but no buttons", async () => {
    const view = await open(VIEWER);
    expect(validateSlackHomeView(view)).toEqual([]);
    expect(view.blocks.some((b) => b.type === "actions")).toBe(false);
    expect(JSON.stringify(view)).toContain("user0@example.com");
  });

  it("draws the chart as text when the service has no public URL", async () => {
    chartUrl = null;
    const view = await open(VIEWER);
    expect(validateSlackHomeView(view)).toEqual([]);
    expect(view.blocks.some((b) => b.type === "image")).toBe(false);
    expect(JSON.stringify(view)).toContain("03-01 07:50 │");
  });

  it("publishes nothing when the Messages tab is opened", async () => {
    const body = appHomeOpenedBody({ userId: VIEWER, tab: "messages" });
    expect((await postSigned(fx.eventsUrl, body, { secret: SECRET, contentType: "application/json" })).status).toBe(
      200,
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fx.api.byMethod("views.publish")).toEqual([]);
  });

  it("Approve on the home tab decides the batch, answers in the app's messages and re-publishes the home", async () => {
    const body = homeBlockActionBody({ userId: APPROVER_A, actionId: "approval.approve", value: "apr_home1" });
    expect((await postSigned(fx.eventsUrl, body, { secret: SECRET })).status).toBe(200);
    const call = await until("views.publish", () => fx.api.byMethod("views.publish")[0]);
    const view = call.body.view as View;
    expect(validateSlackHomeView(view)).toEqual([]);
    expect(view.blocks.some((b) => b.type === "actions")).toBe(false);
    expect(harness.engine.decided).toEqual([{ approvalId: "apr_home1", decision: "approve", actor: APPROVER_A }]);
    expect(fx.api.byMethod("chat.postMessage").every((c) => c.body.channel === APPROVER_A)).toBe(true);
  });
});
