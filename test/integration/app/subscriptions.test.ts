import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ChatRoundTrip,
  type SlackAsker,
  startChatRoundTrip,
  type TeamsAsker,
} from "#test/support/chat-round-trip.js";

/**
 * Subscriptions as admins meet them: `alerts here deletions`, `alerts list`, `digest weekly` and
 * `digest off` typed as a signed Slack slash command and as a Teams channel message (the recorded
 * payload shapes of test/fixtures), against one running service on PGlite. The answers are valid
 * Block Kit / Adaptive Cards, the subscriptions are stored per connection, each change is audited,
 * and a viewer may list but not change them.
 */
const SLACK_CHANNEL = "CAPPROVALS";
const SLACK_OPERATOR = "UOPERATOR7";
const SLACK_VIEWER = "UVIEWER7";
const TEAMS_CHANNEL = "19:apple-admins@thread.tacv2";
const TEAMS_OPERATOR: TeamsAsker = {
  id: "29:olga",
  name: "Olga Operator",
  aadObjectId: "0b9a8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d",
  channelId: TEAMS_CHANNEL,
};
/** a Slack user in the subscriptions channel */
const inChannel = (userId: string): SlackAsker => ({
  userId,
  userName: userId.toLowerCase(),
  channelId: SLACK_CHANNEL,
});

describe("alerts here / alerts list / digest from Slack and Teams", () => {
  let chat: ChatRoundTrip;

  beforeAll(async () => {
    chat = await startChatRoundTrip({
      emulators: { users: 4, seed: 3, problemRate: 0 },
      env: {
        ABM_OPERATORS: `${SLACK_OPERATOR},${TEAMS_OPERATOR.aadObjectId}`,
        ABM_VIEWERS: SLACK_VIEWER,
        ABM_DIGEST_AT: "08:00 Europe/Berlin",
      },
    });
  }, 60_000);

  afterAll(async () => {
    await chat?.close();
  });

  const connection = () => chat.service.services.connections[0];
  /** a signed slash command in the channel; the bodies Slack's response_url received */
  const slack = (text: string, userId: string) => chat.slack(text, { asker: inChannel(userId) });
  /** a Teams channel message from the operator that @mentions the bot; the messages the bot sent */
  const teams = (text: string) => chat.teams(text, { asker: TEAMS_OPERATOR });

  it("`alerts here deletions` in Slack subscribes the channel to deletions only, audited", async () => {
    const [answer] = await slack("alerts here deletions", SLACK_OPERATOR);
    expect(answer?.response_type).toBe("in_channel");
    expect(String(answer?.text)).toContain("deletions");
    const routes = await connection().alertRoutes.list();
    expect(routes.ok && routes.value).toEqual([
      expect.objectContaining({
        platform: "slack",
        channelId: SLACK_CHANNEL,
        kinds: ["deletions"],
        setBy: SLACK_OPERATOR,
      }),
    ]);
    const audit = await connection().audit.list({ limit: 10 });
    expect(audit.ok && audit.value.find((e) => e.command === "alerts here")).toMatchObject({
      actor: SLACK_OPERATOR,
      outcome: "succeeded",
      detail: "added: deletions",
    });
  });

  it("a viewer may not change a subscription", async () => {
    const [answer] = await slack("alerts here all", SLACK_VIEWER);
    expect(answer?.response_type).toBe("ephemeral");
    expect(String(answer?.text)).toMatch(/operator/i);
    const routes = await connection().alertRoutes.list();
    expect(routes.ok && routes.value.map((r) => r.kinds)).toEqual([["deletions"]]);
  });

  it("`alerts here errors tokens` in a Teams channel subscribes it to those kinds", async () => {
    const [reply] = await teams("alerts here errors tokens");
    expect(reply?.conversationId.startsWith(TEAMS_CHANNEL)).toBe(true);
    expect(JSON.stringify(reply?.card)).toContain("errors");
    const routes = await connection().alertRoutes.list();
    expect(routes.ok && routes.value.map((r) => [r.platform, r.kinds])).toEqual([
      ["slack", ["deletions"]],
      ["teams", ["errors", "tokens"]],
    ]);
  });

  it("`digest weekly` in Slack and Teams, `digest off` in Slack: stored per channel, audited", async () => {
    const [weekly] = await slack("digest weekly", SLACK_OPERATOR);
    expect(weekly?.response_type).toBe("in_channel");
    expect(String(weekly?.text)).toContain("every Monday at 08:00 Europe/Berlin");
    const [fromTeams] = await teams("digest weekly");
    expect(JSON.stringify(fromTeams?.card)).toContain("weekly digest");
    let digests = await connection().digest.subscriptions.list();
    expect(digests.ok && digests.value.map((d) => [d.platform, d.cadence])).toEqual([
      ["slack", "weekly"],
      ["teams", "weekly"],
    ]);
    const [off] = await slack("digest off", SLACK_OPERATOR);
    expect(String(off?.text)).toContain("no longer posted");
    digests = await connection().digest.subscriptions.list();
    expect(digests.ok && digests.value.map((d) => d.platform)).toEqual(["teams"]);
    const audit = await connection().audit.list({ limit: 20 });
    expect(
      audit.ok &&
        audit.value
          .filter((e) => e.command.startsWith("digest"))
          .map((e) => e.command)
          .sort(),
    ).toEqual(["digest off", "digest weekly", "digest weekly"]);
  });

  it("`alerts list` answers a viewer in Slack and an operator in Teams with every route, its kinds and who set it", async () => {
    const [answer] = await slack("alerts list", SLACK_VIEWER);
    expect(answer?.response_type).toBe("ephemeral");
    const text = JSON.stringify(answer?.blocks);
    expect(text).toContain("deletions");
    expect(text).toContain("errors, tokens");
    expect(text).toContain(SLACK_OPERATOR);
    expect(text).toContain("(here)");
    const [reply] = await teams("alerts list");
    const card = JSON.stringify(reply?.card);
    expect(card).toContain("errors, tokens");
    expect(card).toContain("weekly");
  });

  it("`abm alerts list --json` and `abm digest show --json` answer with the same routes and the digest data", async () => {
    const cli = async (argv: string[]) => {
      const run = await chat.cli([...argv, "--json"]);
      return { code: run.code, doc: JSON.parse(run.stdout) as Record<string, unknown> };
    };
    const list = await cli(["alerts", "list"]);
    expect(list.code).toBe(0);
    expect(list.doc).toMatchObject({
      ok: true,
      routes: [
        { platform: "slack", channelId: SLACK_CHANNEL, kinds: ["deletions"], source: "chat", setBy: SLACK_OPERATOR },
        { platform: "teams", kinds: ["errors", "tokens"], source: "chat", setBy: TEAMS_OPERATOR.id },
      ],
      digests: [{ platform: "teams", cadence: "weekly", setBy: TEAMS_OPERATOR.id }],
    });
    const show = await cli(["digest", "show", "weekly"]);
    expect(show.code).toBe(0);
    expect(show.doc).toMatchObject({
      ok: true,
      digest: { cadence: "weekly", period: { timeZone: "Europe/Berlin" }, token: null },
    });
    const series = (show.doc.digest as { series: unknown[] }).series;
    expect(series.length).toBeGreaterThan(0);
    expect(Object.keys(series[0] as object).sort()).toEqual(["created", "deactivated", "failed", "label", "updated"]);
  });
});
