import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateSlackMessage } from "#adapters/slack/render/validate.js";
import { createInProcessAppAccess } from "#app/cli/app-access.js";
import { createCommandRegistry } from "#app/cli/commands/registry.js";
import { runCli } from "#app/cli/router.js";
import { targetsFromEmulators } from "#app/connection.js";
import { type EmulatorPair, startEmulators } from "#app/emulators.js";
import type { RunningService } from "#app/runtime.js";
import { loadConfig } from "#config/load-config.js";
import { systemClock } from "#core/clock.js";
import { startTestService } from "#test/support/service.js";
import { createCardValidator } from "#test/support/teams/card-checks.js";
import { until } from "#test/support/until.js";
import { type FakeSlackApi, startFakeSlackApi } from "../slack/support/fake-slack-api.js";
import { type ResponseSink, startResponseSink } from "../slack/support/response-sink.js";
import { postSigned } from "../slack/support/signed-request.js";
import { type FakeConnector, startFakeConnector } from "../teams/support/fake-connector.js";

/**
 * Subscriptions as admins meet them: `alerts here deletions`, `alerts list`, `digest weekly` and
 * `digest off` typed as a signed Slack slash command and as a Teams channel message (the recorded
 * payload shapes of test/fixtures), against one running service on PGlite. The answers are valid
 * Block Kit / Adaptive Cards, the subscriptions are stored per connection, each change is audited,
 * and a viewer may list but not change them.
 */
const SECRET = "subscriptions-signing-secret-0123456789";
const SLACK_CHANNEL = "CAPPROVALS";
const SLACK_OPERATOR = "UOPERATOR7";
const SLACK_VIEWER = "UVIEWER7";
const TEAMS_CHANNEL = "19:apple-admins@thread.tacv2";
const TEAMS_OPERATOR = { id: "29:olga", name: "Olga Operator", aadObjectId: "0b9a8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d" };

type Fields = Readonly<Record<string, string>>;

function fixture(path: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), "utf8"));
}

function fill(value: unknown, fields: Fields): unknown {
  if (typeof value === "string")
    return value.replace(/\{\{([A-Z_]+)\}\}/g, (whole, name: string) => {
      const given = fields[name];
      if (given === undefined) throw new Error(`fixture placeholder ${whole} has no value`);
      return given;
    });
  if (Array.isArray(value)) return value.map((v) => fill(v, fields));
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, fields)]));
  return value;
}

describe("alerts here / alerts list / digest from Slack and Teams", () => {
  let pair: EmulatorPair;
  let api: FakeSlackApi;
  let sink: ResponseSink;
  let connector: FakeConnector;
  let service: RunningService;
  const validateCard = createCardValidator();

  beforeAll(async () => {
    pair = await startEmulators({ users: 4, seed: 3, problemRate: 0 });
    api = await startFakeSlackApi();
    sink = await startResponseSink();
    connector = await startFakeConnector();
    const config = loadConfig({
      TEAMS_ALLOW_ANONYMOUS: "true",
      SLACK_BOT_TOKEN: "xoxb-subscriptions",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: api.url,
      ABM_OPERATORS: `${SLACK_OPERATOR},${TEAMS_OPERATOR.aadObjectId}`,
      ABM_VIEWERS: SLACK_VIEWER,
      ABM_DIGEST_AT: "08:00 Europe/Berlin",
    });
    if (!config.ok) throw config.error;
    service = await startTestService({ config: config.value, targets: { default: targetsFromEmulators(pair) } });
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    await Promise.allSettled([pair?.close(), api?.close(), sink?.close(), connector?.close()]);
  });

  const connection = () => service.services.connections[0];

  /** a signed slash command; returns the bodies Slack's response_url received */
  async function slack(text: string, userId: string): Promise<Record<string, unknown>[]> {
    const path = `/${Math.random().toString(36).slice(2)}`;
    const filled = fill(fixture("slack/slash-command.json"), {
      TEAM_ID: "T1",
      APP_ID: "A1",
      CHANNEL_ID: SLACK_CHANNEL,
      USER_ID: userId,
      USER_NAME: userId.toLowerCase(),
      TEXT: text,
      RESPONSE_URL: `${sink.url}${path}`,
    });
    if (filled === null || typeof filled !== "object") throw new Error("bad fixture");
    const form = new URLSearchParams(Object.entries(filled).map(([k, v]): [string, string] => [k, String(v)]));
    const sent = await postSigned(`${service.url}/slack/events`, form.toString(), { secret: SECRET });
    expect(sent.status).toBe(200);
    const answers = await sink.waitFor(path, 1);
    for (const answer of answers) {
      expect(validateSlackMessage({ text: answer.body.text, blocks: answer.body.blocks }), text).toEqual([]);
    }
    return answers.map((a) => a.body);
  }

  /** a Teams channel message that @mentions the bot; returns the cards the connector received */
  async function teams(text: string): Promise<{ conversationId: string; card: Record<string, unknown> }[]> {
    const before = connector.requests.length;
    const activity = fill(fixture("teams/message-activity.json"), {
      SERVICE_URL: connector.url,
      FROM_ID: TEAMS_OPERATOR.id,
      FROM_NAME: TEAMS_OPERATOR.name,
      FROM_AAD_OBJECT_ID: TEAMS_OPERATOR.aadObjectId,
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
    const sent = await until("the Teams reply", () => {
      const found = connector.requests
        .slice(before)
        .filter((r) => r.method === "POST" && r.conversationId !== null && Array.isArray(r.body.attachments));
      return found.length >= 1 ? found : undefined;
    });
    return sent.map((r) => {
      const attachments = r.body.attachments as { content: Record<string, unknown> }[];
      const card = attachments[0]?.content ?? {};
      expect(validateCard(card), text).toEqual([]);
      return { conversationId: r.conversationId ?? "", card };
    });
  }

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
      let stdout = "";
      const code = await runCli({
        argv: [...argv, "--json"],
        config: { ok: true, value: service.services.config },
        stdout: {
          write: (t: string) => {
            stdout += t;
          },
        },
        stderr: { write: () => undefined },
        commands: createCommandRegistry({
          clock: systemClock,
          access: createInProcessAppAccess(service.services),
          env: {},
        }),
        signal: new AbortController().signal,
      });
      return { code, doc: JSON.parse(stdout) as Record<string, unknown> };
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
