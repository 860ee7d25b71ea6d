import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateSlackMessage } from "#adapters/slack/render/validate.js";
import { targetsFromEmulators } from "#app/connection.js";
import { assignDemoScope, type EmulatorPair, seedAppleDemo, startEmulators } from "#app/emulators.js";
import { acquireDataDirLock, type DataDirLock } from "#app/process-lock.js";
import type { RunningService } from "#app/runtime.js";
import { loadConfig } from "#config/load-config.js";
import { startTestService } from "#test/support/service.js";
import { createCardValidator } from "#test/support/teams/card-checks.js";
import { until } from "#test/support/until.js";
import { type FakeSlackApi, startFakeSlackApi } from "../slack/support/fake-slack-api.js";
import { type ResponseSink, startResponseSink } from "../slack/support/response-sink.js";
import { postSigned } from "../slack/support/signed-request.js";
import { type FakeConnector, startFakeConnector } from "../teams/support/fake-connector.js";

/**
 * `reconcile` asked in chat: a signed Slack slash command and a Teams channel message to one running
 * service (emulators, real Slack and anonymous Teams edges), answered with valid Block Kit and a
 * valid Adaptive Card that name the demo's hand-made accounts.
 */
const SECRET = "reconcile-chat-signing-secret-0123456789";
const SYSTEM = { id: "system", platform: "system" } as const;

function fixture(path: string): string {
  return readFileSync(new URL(`../../fixtures/${path}`, import.meta.url), "utf8");
}

function filled(path: string, fields: Readonly<Record<string, string>>): unknown {
  const text = fixture(path).replace(/\{\{([A-Z_]+)\}\}/g, (whole, name: string) => {
    const value = fields[name];
    if (value === undefined) throw new Error(`fixture placeholder ${whole} has no value`);
    return JSON.stringify(value).slice(1, -1);
  });
  return JSON.parse(text);
}

describe("reconcile through Slack and Teams", () => {
  let pair: EmulatorPair;
  let api: FakeSlackApi;
  let sink: ResponseSink;
  let connector: FakeConnector;
  let service: RunningService;
  let home: string;
  let lock: DataDirLock;
  let seeded: ReturnType<typeof seedAppleDemo>;
  const validateCard = createCardValidator();

  beforeAll(async () => {
    pair = await startEmulators({ users: 20, seed: 3, problemRate: 0 });
    const { assignedIds } = assignDemoScope(pair.graph);
    seeded = seedAppleDemo(pair, assignedIds);
    api = await startFakeSlackApi();
    sink = await startResponseSink();
    connector = await startFakeConnector();
    const config = loadConfig({
      TEAMS_ALLOW_ANONYMOUS: "true",
      SLACK_BOT_TOKEN: "xoxb-reconcile",
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: api.url,
    });
    if (!config.ok) throw config.error;
    home = mkdtempSync(join(tmpdir(), "abm-reconcile-chat-"));
    const locked = acquireDataDirLock(join(home, "data"), "serve", "serve");
    if (!locked.ok) throw locked.error;
    lock = locked.value;
    service = await startTestService({ lock, config: config.value, targets: { default: targetsFromEmulators(pair) } });
    const run = await service.services.connections[0].engine.runCycle({ kind: "full", trigger: "cli", actor: SYSTEM });
    if (!run.ok) throw run.error;
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    await Promise.allSettled([pair?.close(), api?.close(), sink?.close(), connector?.close()]);
    lock?.release();
    if (home !== undefined) rmSync(home, { recursive: true, force: true });
  });

  it("a signed Slack slash command gets the report as valid Block Kit", async () => {
    const form = filled("slack/slash-command.json", {
      TEAM_ID: "T1",
      APP_ID: "A1",
      CHANNEL_ID: "CITOPS01",
      USER_ID: "UVIEWER1",
      USER_NAME: "vera",
      TEXT: "reconcile",
      RESPONSE_URL: `${sink.url}/reconcile`,
    }) as Record<string, unknown>;
    const body = new URLSearchParams(Object.entries(form).map(([k, v]): [string, string] => [k, String(v)]));
    const sent = await postSigned(`${service.url}/slack/events`, body.toString(), { secret: SECRET });
    expect(sent.status).toBe(200);
    const [response] = await sink.waitFor("/reconcile", 1);
    const message = response?.body as { text: string; blocks: unknown[] };
    expect(validateSlackMessage({ text: message.text, blocks: message.blocks })).toEqual([]);
    const shown = JSON.stringify(message.blocks);
    expect(shown).toContain("Administrators the sync skips");
    expect(shown).toContain(seeded.orphan);
    expect(shown).toContain(String(seeded.locked).toLowerCase());
    expect(message.text).toMatch(/^Entra ↔ ABM: /);
  });

  it("a Teams channel message gets the report as a valid Adaptive Card", async () => {
    const before = connector.requests.length;
    const activity = filled("teams/message-activity.json", {
      SERVICE_URL: connector.url,
      FROM_ID: "29:vera",
      FROM_NAME: "Vera Viewer",
      FROM_AAD_OBJECT_ID: "aad-vera",
      TENANT_ID: "tenant-1",
      CHANNEL_ID: "19:it-ops@thread.tacv2",
      BOT_APP_ID: "bot-app-id",
      TEXT: "reconcile",
    });
    const posted = await fetch(`${service.url}/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(activity),
    });
    expect(posted.status).toBeLessThan(300);
    const [message] = await until("the Teams reply", () => {
      const found = connector.requests
        .slice(before)
        .filter((r) => r.method === "POST" && r.activityId === null && r.conversationId !== null);
      return found.length >= 1 ? found : undefined;
    });
    const attachments = message?.body.attachments as { content: unknown }[] | undefined;
    const card = attachments?.[0]?.content;
    expect(validateCard(card)).toEqual([]);
    expect(JSON.stringify(card)).toContain("Active in Apple, disabled, deleted or out of scope in Entra");
    expect(JSON.stringify(card)).toContain(String(seeded.admin).toLowerCase());
  });
});
