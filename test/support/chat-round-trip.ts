import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { z } from "zod";
import { renderSlack, slackResponseType } from "#adapters/slack/render/blocks.js";
import { validateSlackMessage } from "#adapters/slack/render/validate.js";
import { renderCard } from "#adapters/teams/cards.js";
import { cliActor } from "#app/cli/app-access.js";
import { type ConnectionTargets, targetsFromEmulators } from "#app/connection.js";
import { type EmulatorOptions, type EmulatorPair, startEmulators } from "#app/emulators.js";
import { acquireDataDirLock, type DataDirLock } from "#app/process-lock.js";
import { renderReplyText } from "#app/render-text.js";
import type { RunningService } from "#app/runtime.js";
import { loadConfig } from "#config/load-config.js";
import type { Answer } from "#core/chat/context.js";
import { parseCommand } from "#core/chat/grammar.js";
import type { ChatActor, ConversationRef } from "#core/chat/ports.js";
import type { Reply } from "#core/chat/reply.js";
import { startTestService } from "#test/support/service.js";
import { createCardValidator } from "#test/support/teams/card-checks.js";
import { until } from "#test/support/until.js";
import { type FakeSlackApi, startFakeSlackApi } from "../integration/slack/support/fake-slack-api.js";
import { type ResponseSink, startResponseSink } from "../integration/slack/support/response-sink.js";
import { postSigned, type SentRequest } from "../integration/slack/support/signed-request.js";
import { type FakeConnector, startFakeConnector } from "../integration/teams/support/fake-connector.js";

/**
 * One chat command as users ask it, against ONE running service: the emulators, the real Slack edge
 * (Bolt) against a fake Web API and a response_url sink, the real Teams edge (botbuilder, anonymous)
 * against a fake Bot Framework connector, PGlite in memory, and the admin socket in a temporary data
 * directory (the CLI of another `abm` process). The inbound payloads are the recorded shapes of
 * test/fixtures with their `{{PLACEHOLDER}}` ids filled in: the Slack team and app ids are the ones
 * the fake Web API's auth.test / bots.info report (T1 / A1), or the workspace check refuses them.
 *
 * Every Slack answer is checked as valid Block Kit and every Teams card against the Adaptive Card
 * 1.5 schema as it arrives; what an answer says is the test's to assert.
 */
const SIGNING_SECRET = "chat-round-trip-signing-secret-0123456789";

/** who types the slash command, and where */
export interface SlackAsker {
  readonly userId: string;
  readonly userName: string;
  readonly channelId: string;
}

/** who @mentions the bot in a Teams channel, and in which */
export interface TeamsAsker {
  readonly id: string;
  readonly name: string;
  readonly aadObjectId: string;
  readonly channelId: string;
}

export const SLACK_VIEWER: SlackAsker = { userId: "UVIEWER1", userName: "vera", channelId: "CITOPS01" };
export const TEAMS_VIEWER: TeamsAsker = {
  id: "29:vera",
  name: "Vera Viewer",
  aadObjectId: "aad-vera",
  channelId: "19:it-ops@thread.tacv2",
};

/** what the bot sent to a Teams conversation: the attachments as sent, and the first one's card */
export interface TeamsMessage {
  readonly conversationId: string;
  readonly attachments: unknown;
  readonly card: unknown;
}

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** the front ends `runEverywhere` drives, in order; the CLI twice (`--json`, then text) */
export type Front = "cli --json" | "cli text" | "slack" | "teams";

export interface AskedEverywhere {
  /** `answer`: the core's answer for the CLI asker; `shown`: null when the command has no CLI form */
  readonly cli: { readonly answer: Answer; readonly shown: { readonly json: unknown; readonly text: string } | null };
  readonly slack: { readonly answer: Answer; readonly shown: readonly Record<string, unknown>[] };
  readonly teams: { readonly answer: Answer; readonly shown: readonly TeamsMessage[]; readonly channelId: string };
}

export interface ChatRoundTrip {
  readonly pair: EmulatorPair;
  readonly service: RunningService;
  readonly api: FakeSlackApi;
  readonly sink: ResponseSink;
  readonly connector: FakeConnector;
  /** the temporary home: the data directory (lock, admin socket) is `data` below it */
  readonly home: string;
  readonly validateCard: (card: unknown) => readonly unknown[];
  /** the command core's answer to `text` for the CLI (`"cli"`), a Slack or a Teams asker */
  ask(text: string, asker?: "cli" | SlackAsker | TeamsAsker): Promise<Answer>;
  /** `abm <argv>` as another process runs it while the service holds the data directory */
  cli(argv: readonly string[]): Promise<CliRun>;
  /** a signed POST to the Slack events endpoint */
  postSlack(body: string): Promise<SentRequest>;
  /** an activity POSTed to the Teams messaging endpoint */
  postTeams(activity: unknown): Promise<Response>;
  /** a fresh response_url on the sink */
  responseUrl(): { readonly path: string; readonly url: string };
  /** the signed slash command only, `extra` form fields overriding the recorded ones */
  sendSlash(
    text: string,
    asker: SlackAsker,
    responseUrl: string,
    extra?: Readonly<Record<string, string>>,
  ): Promise<SentRequest>;
  /** `/abm <text>`: the bodies posted to its response_url (`replies` of them), each valid Block Kit */
  slack(
    text: string,
    options?: { readonly asker?: SlackAsker; readonly replies?: number },
  ): Promise<Record<string, unknown>[]>;
  /** `@abm <text>` in a channel: the messages the bot sent (`replies` of them), each card schema-valid */
  teams(text: string, options?: { readonly asker?: TeamsAsker; readonly replies?: number }): Promise<TeamsMessage[]>;
  /**
   * One command through every front end: for each, the core's answer for that front end's asker is
   * asked first (`asked`), then the front end is driven and waited for as many replies (`shown`).
   */
  runEverywhere(
    command: { readonly text: string; readonly argv: readonly string[] | null },
    options?: {
      readonly slack?: SlackAsker;
      readonly teams?: TeamsAsker;
      readonly asked?: (front: "cli" | "slack" | "teams") => void;
      readonly shown?: (front: Front) => void;
    },
  ): Promise<AskedEverywhere>;
  close(): Promise<void>;
}

export interface ChatRoundTripOptions {
  readonly emulators: EmulatorOptions;
  /** seeds the emulators before the service starts */
  readonly prepare?: (pair: EmulatorPair) => Promise<void> | void;
  /** more configuration (the Slack and anonymous Teams edges are always on) */
  readonly env?: Readonly<Record<string, string>>;
  /** the connection's targets, from the emulators' own */
  readonly targets?: (fromEmulators: ConnectionTargets) => ConnectionTargets;
  /** run the service's schedulers (cycles, digests, Apple audit polls) as `abm serve` does; default off */
  readonly schedule?: boolean;
}

const slashFormSchema = z.record(z.string(), z.string());
const attachmentsSchema = z.array(z.object({ content: z.unknown() })).min(1);
const adminAnswerSchema = z.object({
  exitCode: z.number().optional(),
  stdout: z.string().optional(),
  stderr: z.string().optional(),
});

/** a recorded platform payload (test/fixtures) with its `{{PLACEHOLDER}}` fields filled in */
export function filledFixture(path: string, fields: Readonly<Record<string, string>>): unknown {
  const raw = readFileSync(new URL(`../fixtures/${path}`, import.meta.url), "utf8");
  return JSON.parse(raw, (_key, value: unknown) =>
    typeof value === "string"
      ? value.replace(/\{\{([A-Z_]+)\}\}/g, (whole, name: string) => {
          const given = fields[name];
          if (given === undefined) throw new Error(`fixture placeholder ${whole} has no value`);
          return given;
        })
      : value,
  );
}

/** what the Slack edge posts to response_url for one reply of the core */
export function slackBody(reply: Reply, replaceOriginal: boolean): Record<string, unknown> {
  const message = renderSlack(reply);
  expect(validateSlackMessage(message), "Block Kit").toEqual([]);
  return {
    response_type: slackResponseType(reply),
    replace_original: replaceOriginal,
    text: message.text,
    blocks: JSON.parse(JSON.stringify(message.blocks)),
  };
}

/** every user of the Graph emulator in one group assigned to the app; returns the group's id */
export function assignEveryone(pair: EmulatorPair): string {
  const groupId = pair.graph.store.createGroup("ABM users").id;
  for (const id of pair.graph.store.users.keys()) pair.graph.store.addMember(groupId, id);
  pair.graph.store.assign(groupId);
  return groupId;
}

function slackActor(asker: SlackAsker): ChatActor {
  return { platform: "slack", id: asker.userId, displayName: asker.userName };
}

function teamsActor(asker: TeamsAsker): ChatActor {
  return { platform: "teams", id: asker.id, displayName: asker.name, entraObjectId: asker.aadObjectId };
}

export async function startChatRoundTrip(options: ChatRoundTripOptions): Promise<ChatRoundTrip> {
  const pair = await startEmulators(options.emulators);
  const opened: { close(): Promise<void> }[] = [pair];
  let service: RunningService | undefined;
  let lock: DataDirLock | undefined;
  const home = mkdtempSync(join(tmpdir(), "abm-chat-"));
  /** the service first, then what it talks to, then the data directory */
  const closeAll = async () => {
    await service?.stop();
    await Promise.allSettled(opened.map((o) => o.close()));
    lock?.release();
    rmSync(home, { recursive: true, force: true });
  };
  try {
    await options.prepare?.(pair);
    const api = await startFakeSlackApi();
    opened.push(api);
    const sink = await startResponseSink();
    opened.push(sink);
    const connector = await startFakeConnector();
    opened.push(connector);
    const config = loadConfig({
      TEAMS_ALLOW_ANONYMOUS: "true",
      SLACK_BOT_TOKEN: "xoxb-chat-round-trip",
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: api.url,
      ...options.env,
    });
    if (!config.ok) throw config.error;
    const locked = acquireDataDirLock(join(home, "data"), "serve", "serve");
    if (!locked.ok) throw locked.error;
    lock = locked.value;
    const fromEmulators = targetsFromEmulators(pair);
    service = await startTestService({
      lock,
      config: config.value,
      targets: { default: options.targets?.(fromEmulators) ?? fromEmulators },
      schedule: options.schedule ?? false,
    });
    return roundTrip({ pair, service, api, sink, connector, home, lock }, closeAll);
  } catch (error) {
    await closeAll();
    throw error;
  }
}

function roundTrip(
  parts: Pick<ChatRoundTrip, "pair" | "service" | "api" | "sink" | "connector" | "home"> & {
    readonly lock: DataDirLock;
  },
  close: () => Promise<void>,
): ChatRoundTrip {
  const { service, sink, connector, lock } = parts;
  const validateCard = createCardValidator();
  const connection = () => service.services.connections[0];

  const ask: ChatRoundTrip["ask"] = async (text, asker = "cli") => {
    const command = parseCommand(text);
    if (!command.ok) throw command.error;
    if (asker === "cli") {
      const conversation: ConversationRef = { platform: "cli", channelId: "cli" };
      return connection().cliChat.execute({ actor: cliActor().chatActor, command: command.value, conversation });
    }
    const [actor, conversation]: [ChatActor, ConversationRef] =
      "userId" in asker
        ? [slackActor(asker), { platform: "slack", channelId: asker.channelId }]
        : [teamsActor(asker), { platform: "teams", channelId: asker.channelId }];
    return connection().chat.execute({ actor, command: command.value, conversation });
  };

  const cli: ChatRoundTrip["cli"] = (argv) => {
    const socketPath = join(lock.dataDir, "admin.sock");
    const headers = { "content-type": "application/json", authorization: `Bearer ${lock.owner.token ?? ""}` };
    return new Promise((resolve, reject) => {
      const req = request({ socketPath, path: "/cli", method: "POST", headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          if (res.statusCode !== 200) {
            reject(new Error(`admin socket answered ${res.statusCode}`));
            return;
          }
          const body = adminAnswerSchema.parse(JSON.parse(Buffer.concat(chunks).toString("utf8")));
          resolve({ code: body.exitCode ?? -1, stdout: body.stdout ?? "", stderr: body.stderr ?? "" });
        });
      });
      req.on("error", reject);
      req.end(JSON.stringify({ argv }));
    });
  };

  const postSlack: ChatRoundTrip["postSlack"] = (body) =>
    postSigned(`${service.url}/slack/events`, body, { secret: SIGNING_SECRET });

  const postTeams: ChatRoundTrip["postTeams"] = (activity) =>
    fetch(`${service.url}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(activity),
    });

  const responseUrl: ChatRoundTrip["responseUrl"] = () => {
    const path = `/${Math.random().toString(36).slice(2)}`;
    return { path, url: `${sink.url}${path}` };
  };

  const sendSlash: ChatRoundTrip["sendSlash"] = (text, asker, url, extra = {}) => {
    const recorded = slashFormSchema.parse(
      filledFixture("slack/slash-command.json", {
        TEAM_ID: "T1",
        APP_ID: "A1",
        CHANNEL_ID: asker.channelId,
        USER_ID: asker.userId,
        USER_NAME: asker.userName,
        TEXT: text,
        RESPONSE_URL: url,
      }),
    );
    return postSlack(new URLSearchParams({ ...recorded, ...extra }).toString());
  };

  const slack: ChatRoundTrip["slack"] = async (text, { asker = SLACK_VIEWER, replies = 1 } = {}) => {
    const { path, url } = responseUrl();
    const sent = await sendSlash(text, asker, url);
    expect(sent.status, text).toBe(200);
    const responded = await sink.waitFor(path, replies);
    expect(responded, text).toHaveLength(replies);
    for (const { body } of responded) {
      expect(validateSlackMessage({ text: body.text, blocks: body.blocks }), `${text}: Block Kit`).toEqual([]);
    }
    return responded.map((r) => r.body);
  };

  const teams: ChatRoundTrip["teams"] = async (text, { asker = TEAMS_VIEWER, replies = 1 } = {}) => {
    const before = connector.requests.length;
    const activity = filledFixture("teams/message-activity.json", {
      SERVICE_URL: connector.url,
      FROM_ID: asker.id,
      FROM_NAME: asker.name,
      FROM_AAD_OBJECT_ID: asker.aadObjectId,
      TENANT_ID: "tenant-1",
      CHANNEL_ID: asker.channelId,
      BOT_APP_ID: "bot-app-id",
      TEXT: text,
    });
    const posted = await postTeams(activity);
    expect(posted.status, await posted.text()).toBeLessThan(300);
    // every message the bot sends into a conversation: in the 1:1 chat it opened (private replies)
    // or in the channel's thread (replies for the channel); each must carry its card
    const sent = await until(`the Teams replies to ${text}`, () => {
      const found = connector.requests.slice(before).filter((r) => r.method === "POST" && r.conversationId !== null);
      return found.length >= replies ? found : undefined;
    });
    expect(sent, text).toHaveLength(replies);
    return sent.map((r) => {
      const card = attachmentsSchema.parse(r.body.attachments)[0]?.content;
      expect(validateCard(card), `${text}: Adaptive Card 1.5`).toEqual([]);
      return { conversationId: r.conversationId ?? "", attachments: r.body.attachments, card };
    });
  };

  const runEverywhere: ChatRoundTrip["runEverywhere"] = async (command, options = {}) => {
    const slackAsker = options.slack ?? SLACK_VIEWER;
    const teamsAsker = options.teams ?? TEAMS_VIEWER;
    const cliAnswer = await ask(command.text, "cli");
    options.asked?.("cli");
    let cliShown: AskedEverywhere["cli"]["shown"] = null;
    if (command.argv !== null) {
      const json = await cli([...command.argv, "--json"]);
      expect(json.code, json.stderr).toBe(0);
      options.shown?.("cli --json");
      const plain = await cli(command.argv);
      expect(plain.code, plain.stderr).toBe(0);
      options.shown?.("cli text");
      cliShown = { json: JSON.parse(json.stdout), text: plain.stdout };
    }
    const slackAnswer = await ask(command.text, slackAsker);
    options.asked?.("slack");
    const slackShown = await slack(command.text, { asker: slackAsker, replies: slackAnswer.replies.length });
    options.shown?.("slack");
    const teamsAnswer = await ask(command.text, teamsAsker);
    options.asked?.("teams");
    const teamsShown = await teams(command.text, { asker: teamsAsker, replies: teamsAnswer.replies.length });
    options.shown?.("teams");
    return {
      cli: { answer: cliAnswer, shown: cliShown },
      slack: { answer: slackAnswer, shown: slackShown },
      teams: { answer: teamsAnswer, shown: teamsShown, channelId: teamsAsker.channelId },
    };
  };

  return {
    ...parts,
    validateCard,
    ask,
    cli,
    postSlack,
    postTeams,
    responseUrl,
    sendSlash,
    slack,
    teams,
    runEverywhere,
    close,
  };
}

/**
 * Every front end shows exactly its answer of the one command core: the CLI's JSON is
 * `{ok:true, ...answer.data}`, its text is `renderReplyText` of the replies, Slack receives
 * `renderSlack` of the replies and Teams `renderCard` of them (private replies in the asker's 1:1
 * chat, channel replies in the channel's thread). And the answers agree: the same for every asker.
 */
export function expectSameEverywhere(asked: AskedEverywhere): void {
  const { cli, slack, teams } = asked;
  if (cli.shown !== null) {
    if (!cli.answer.ok) throw new Error(`the core refused: ${JSON.stringify(cli.answer.replies)}`);
    expect(cli.shown.json).toEqual({ ok: true, ...JSON.parse(JSON.stringify(cli.answer.data)) });
    expect(cli.shown.text).toBe(`${cli.answer.replies.map(renderReplyText).join("\n")}\n`);
  }
  slack.answer.replies.forEach((reply, i) => {
    expect(slack.shown[i]).toEqual(slackBody(reply, false));
  });
  teams.answer.replies.forEach((reply, i) => {
    const card = renderCard(reply);
    const message = teams.shown[i];
    const where = reply.visibility === "private" ? "a:personal-" : teams.channelId;
    expect(message?.conversationId.startsWith(where), `Teams reply ${i} in ${where}`).toBe(true);
    expect(message?.attachments).toEqual([
      { contentType: "application/vnd.microsoft.card.adaptive", content: JSON.parse(JSON.stringify(card)) },
    ]);
  });
  expect(slack.answer).toEqual(teams.answer);
  if (cli.shown !== null) expect(slack.answer).toEqual(cli.answer);
}
