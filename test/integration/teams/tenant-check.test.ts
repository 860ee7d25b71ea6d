import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTeamsBot } from "#adapters/teams/bot.js";
import type { ActivityOrigin } from "#adapters/teams/tenant.js";
import { silentLogger } from "#core/logger.js";
import { channelMessage, operator } from "./support/activities.js";
import { createFakeChatCore, type FakeChatCore } from "./support/fake-chat-core.js";
import { type FakeConnector, startFakeConnector } from "./support/fake-connector.js";

/**
 * The real botbuilder adapter over HTTP: the bot serves one Entra tenant, and an activity whose
 * tenant (conversation.tenantId / channelData.tenant.id) is another one is refused (401) before
 * authentication and the chat core.
 */
const OURS = "tenant-1";

interface Hosted {
  readonly url: string;
  readonly core: FakeChatCore;
  readonly refused: ActivityOrigin[];
  close(): Promise<void>;
}

async function host(options: { appId?: string; appPassword?: string; tenantId?: string }): Promise<Hosted> {
  const core = createFakeChatCore();
  const refused: ActivityOrigin[] = [];
  const bot = createTeamsBot({
    ...options,
    appType: "SingleTenant",
    chat: core,
    conversations: core.conversations,
    logger: silentLogger,
    allowedTenantId: OURS,
    onForeign: async (origin) => {
      refused.push(origin);
    },
  });
  const server: Server = createServer((req, res) => {
    void bot.handleHttp(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/messages`,
    core,
    refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function fromTenant(activity: Record<string, unknown>, tenant: string | null, where: "both" | "channelData") {
  const conversation = { ...(activity.conversation as Record<string, unknown>) };
  if (where === "both" && tenant !== null) conversation.tenantId = tenant;
  else delete conversation.tenantId;
  return { ...activity, conversation, channelData: tenant === null ? {} : { tenant: { id: tenant } } };
}

/** shaped like a Bot Framework JWT, signed by nobody: it passes the unread check, never the token check */
const UNVERIFIABLE_TOKEN = `Bearer ${["e30", "e30", "c2ln"].join(".")}`;

async function post(url: string, body: unknown, authorization?: string): Promise<number> {
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

let connector: FakeConnector;
beforeAll(async () => {
  connector = await startFakeConnector();
});
afterAll(async () => {
  await connector.close();
});

describe("Teams activities from another tenant", () => {
  let bot: Hosted;
  beforeAll(async () => {
    bot = await host({});
  });
  afterAll(async () => {
    await bot.close();
  });

  it("refuses them with 401 before the chat core, and serves the bot's own tenant", async () => {
    const sync = channelMessage(connector.url, operator, "sync");
    expect(await post(bot.url, fromTenant(sync, "tenant-2", "both"))).toBe(401);
    expect(await post(bot.url, fromTenant(sync, "tenant-2", "channelData"))).toBe(401);
    expect(await post(bot.url, fromTenant(sync, null, "both"))).toBe(401);
    expect(bot.core.commands).toHaveLength(0);
    expect(bot.refused.map((r) => r.tenantId)).toEqual(["tenant-2", "tenant-2", null]);
    expect(bot.refused[0]).toMatchObject({ type: "message", userId: operator.aadObjectId });

    expect(await post(bot.url, fromTenant(sync, "TENANT-1", "channelData"))).toBe(200);
    expect(bot.core.commands.map((c) => c.text)).toEqual(["sync"]);
  });
});

describe("Teams with an app id: the tenant check comes before the token check", () => {
  let bot: Hosted;
  beforeAll(async () => {
    bot = await host({
      appId: "00000000-0000-4000-8000-000000000001",
      appPassword: "not-a-real-secret",
      tenantId: "11111111-1111-4111-8111-111111111111",
    });
  });
  afterAll(async () => {
    await bot.close();
  });

  it("refuses another tenant's activity as foreign, and ours without a token as unauthenticated", async () => {
    const sync = channelMessage(connector.url, operator, "sync");
    // a request without any bearer token is refused unread (nothing to check a tenant in)
    expect(await post(bot.url, fromTenant(sync, "tenant-2", "both"))).toBe(401);
    expect(bot.refused).toHaveLength(0);
    // with a token, another tenant is refused as foreign before the token is even checked
    expect(await post(bot.url, fromTenant(sync, "tenant-2", "both"), UNVERIFIABLE_TOKEN)).toBe(401);
    expect(bot.refused).toHaveLength(1);
    // our own tenant with a token nobody signed: unauthenticated, not foreign
    expect(await post(bot.url, sync, UNVERIFIABLE_TOKEN)).toBe(401);
    expect(bot.refused).toHaveLength(1);
    expect(bot.core.commands).toHaveLength(0);
  });
});
