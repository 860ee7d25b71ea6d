import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeamsBot } from "#adapters/teams/bot.js";
import { inlineChartImage } from "#app/charts/chart-image.js";
import { silentLogger } from "#core/logger.js";
import { createHarness } from "#test/support/chat/harness.js";
import { seedHome } from "#test/support/chat/home-world.js";
import { createCardValidator } from "#test/support/teams/card-checks.js";
import { personalMessage } from "./support/activities.js";
import { type FakeConnector, startFakeConnector } from "./support/fake-connector.js";

/**
 * `home` in the Teams personal chat through the real botbuilder adapter: a schema-valid Adaptive
 * Card with the chart inline (a data: URI) and a Universal Actions refresh for the viewer only;
 * the refresh invoke (`adaptiveCard/action`, trigger automatic) answers the card again, in place.
 */
const APPROVER = { id: "29:home-approver", name: "Ada Approver", aadObjectId: "6f1f6a52-6e1e-4a43-9a57-5b1a1c0d0e01" };
const VIEWER = { id: "29:home-viewer", name: "Vera Viewer", aadObjectId: "6f1f6a52-6e1e-4a43-9a57-5b1a1c0d0e02" };
const validate = createCardValidator();

interface Card {
  readonly refresh?: { readonly action: { readonly verb: string }; readonly userIds: readonly string[] };
  readonly body: unknown;
}

describe("Teams home card", () => {
  const harness = createHarness({ approvalsRequired: 1, approvers: [APPROVER.aadObjectId] });
  let connector: FakeConnector;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    await seedHome(harness);
    connector = await startFakeConnector();
    const bot = createTeamsBot({
      appType: "SingleTenant",
      chat: harness.core,
      conversations: { save: async () => undefined, load: async () => null },
      logger: silentLogger,
      chartImage: inlineChartImage,
    });
    server = createServer((req, res) => void bot.handleHttp(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await connector.close();
  });

  async function post(body: unknown): Promise<{ status: number; json: unknown }> {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text === "" ? null : (JSON.parse(text) as unknown) };
  }

  async function home(from: typeof APPROVER): Promise<Card> {
    const before = connector.requests.length;
    expect((await post(personalMessage(connector.url, from, "home"))).status).toBe(200);
    const [sent] = connector.requests.slice(before);
    const attachments = (sent?.body.attachments ?? []) as { contentType: string; content: Card }[];
    const card = attachments[0]?.content;
    if (card === undefined) throw new Error("no card sent");
    return card;
  }

  it("answers `home` with a valid card: state, the chart image inline, the buttons, a refresh for the viewer", async () => {
    const card = await home(APPROVER);
    expect(validate(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).toContain("ABM sync: Waiting for deletion approval");
    expect(json).toContain("45 days left");
    expect(json).toMatch(/"type":"Image","url":"data:image\/png;base64,[A-Za-z0-9+/=]+"/);
    expect(json).toContain("green created");
    expect(json).toContain('"verb":"approval.approve"');
    expect(card.refresh).toMatchObject({ action: { verb: "home.refresh" }, userIds: [APPROVER.id] });
    expect(Buffer.byteLength(json)).toBeLessThan(28 * 1024);
  });

  it("shows a viewer the batch without Approve/Reject", async () => {
    const card = await home(VIEWER);
    expect(validate(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('"verb":"approval.approve"');
    expect(card.refresh?.userIds).toEqual([VIEWER.id]);
  });

  it("answers the refresh invoke with the home card again, refreshed for the same viewer", async () => {
    const invoke = {
      ...personalMessage(connector.url, VIEWER, ""),
      type: "invoke",
      name: "adaptiveCard/action",
      text: undefined,
      value: {
        action: { type: "Action.Execute", verb: "home.refresh", data: { actionId: "home.refresh", value: "" } },
        trigger: "automatic",
      },
    };
    const before = connector.requests.length;
    const answer = await post(invoke);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({ statusCode: 200, type: "application/vnd.microsoft.card.adaptive" });
    const card = (answer.json as { value: Card }).value;
    expect(validate(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain("Last 4 runs");
    expect(card.refresh).toMatchObject({ action: { verb: "home.refresh" }, userIds: [VIEWER.id] });
    // a refresh posts nothing
    expect(connector.requests.length).toBe(before);
  });
});
