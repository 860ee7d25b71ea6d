import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateSlackMessage } from "#adapters/slack/index.js";
import { assignEveryone, type ChatRoundTrip, startChatRoundTrip } from "#test/support/chat-round-trip.js";
import { until } from "#test/support/until.js";

/**
 * Apple's two-token overlap against the ABM emulator: a running service with ABM_SCIM_TOKEN and
 * ABM_SCIM_TOKEN_NEXT; the current token is revoked through the emulator's control API; the next
 * cycle succeeds with the next token, the switch is posted once in the alert channel and audited,
 * and the expiry warnings count down for the new token. With both refused, the bad-token path.
 */
const SYSTEM = { id: "system", platform: "system" } as const;
const CHANNEL = "CALERTS1";
const DAY_MS = 86_400_000;

describe("the SCIM client switches to ABM_SCIM_TOKEN_NEXT when ABM refuses the current token", () => {
  let chat: ChatRoundTrip;

  const control = (path: string, body: unknown) =>
    fetch(new URL(`/_emulator/${path}`, chat.pair.abm.scimUrl), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const posts = () => chat.api.byMethod("chat.postMessage").filter((c) => c.body.thread_ts === undefined);
  const text = (body: Record<string, unknown>): string => `${String(body.text)} ${JSON.stringify(body.blocks)}`;
  const connection = () => {
    const [first] = chat.service.services.connections;
    if (first === undefined) throw new Error("no connection");
    return first;
  };
  const full = async () => {
    const run = await connection().engine.runCycle({ kind: "full", trigger: "cli", actor: SYSTEM });
    if (!run.ok) throw run.error;
    return run.value;
  };

  beforeAll(async () => {
    const now = Date.now();
    chat = await startChatRoundTrip({
      emulators: { users: 6, seed: 3, secondAbmToken: true },
      prepare: (pair) => {
        assignEveryone(pair);
      },
      env: { ABM_ALERT_CHANNELS: `slack:${CHANNEL}` },
      // the current token runs out in 5 days, the next one in 200
      targets: (targets) => ({
        ...targets,
        scim: {
          ...targets.scim,
          tokenExpiresAt: new Date(now + 5 * DAY_MS - 60_000),
          nextTokenExpiresAt: new Date(now + 200 * DAY_MS - 60_000),
        },
      }),
    });
  }, 60_000);

  afterAll(async () => {
    await chat?.close();
  });

  it("warns about the current token, switches on 401, announces it once, audits it, counts down for the new token", async () => {
    expect(chat.pair.abm.nextToken).not.toBeNull();
    // the start-up token check: the current token expires in 5 days
    await until("the expiry warning", () => posts().find((p) => text(p.body).includes("expires in 5 days")));
    expect((await full()).outcome).toBe("succeeded");
    expect(connection().engine.scimToken()?.active).toBe("current");

    const revoked = await control("tokens/revoke", { token: chat.pair.abm.token });
    expect(await revoked.json()).toEqual({ revoked: true, accepted: 1 });
    const before = chat.pair.abm.stats().byMethod.GET?.["401"] ?? 0;
    const run = await full();
    expect(run.outcome, JSON.stringify(run.error)).toBe("succeeded");
    // one 401 (the first request), then every request with the next token
    expect(chat.pair.abm.stats().byMethod.GET?.["401"]).toBe(before + 1);
    const state = connection().engine.scimToken();
    expect(state?.active).toBe("next");
    expect(state?.switchedAt).toBeInstanceOf(Date);

    const switched = await until("the switch announcement", () =>
      posts().find((p) => text(p.body).includes("SCIM token switched")),
    );
    expect(switched.body.channel).toBe(CHANNEL);
    expect(text(switched.body)).toContain("ABM_SCIM_TOKEN_NEXT");
    // the warnings now count down for the next token: 200 days is no warning, the old one is resolved
    await until("the old warning resolved", () =>
      chat.api.byMethod("chat.update").find((c) => text(c.body).includes("Resolved: ABM token expiring")),
    );

    // later cycles keep the next token and announce nothing more
    expect((await full()).outcome).toBe("succeeded");
    await new Promise((r) => setTimeout(r, 300));
    expect(posts().filter((p) => text(p.body).includes("SCIM token switched"))).toHaveLength(1);
    for (const call of chat.api.calls.filter((c) => c.method.startsWith("chat."))) {
      expect(validateSlackMessage({ text: call.body.text, blocks: call.body.blocks })).toEqual([]);
    }

    const audit = await connection().audit.list({ limit: 50 });
    if (!audit.ok) throw audit.error;
    const rows = audit.value.filter((line) => line.command === "token.switch");
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: "system", platform: "system", outcome: "succeeded" });
    expect(JSON.stringify(audit.value)).not.toContain(chat.pair.abm.nextToken ?? "never");

    // `token` says which token is in use and when it expires
    const answer = await connection().cliChat.execute({
      actor: { platform: "cli", id: "tester", displayName: "tester" },
      command: { name: "token" },
      conversation: { platform: "cli", channelId: "cli" },
    });
    expect(answer.ok && answer.data.token).toMatchObject({
      active: "next",
      current: { daysLeft: 5, source: "configured" },
      next: { daysLeft: 200, source: "configured" },
    });
  }, 60_000);

  it("both tokens refused: the cycle fails as scim.auth naming both, and the connection is quarantined", async () => {
    const set = await control("tokens", { tokens: [] });
    expect(await set.json()).toEqual({ accepted: 0 });
    const run = await full();
    expect(run.outcome).toBe("failed");
    expect(run.error?.code).toBe("scim.auth");
    expect(run.error?.message).toMatch(/both SCIM tokens \(ABM_SCIM_TOKEN and ABM_SCIM_TOKEN_NEXT\)/);
    const status = await connection().engine.status();
    if (!status.ok) throw status.error;
    expect(status.value.state).toBe("quarantined");
    expect(connection().engine.scimToken()?.active).toBe("next");
    await until("the quarantine alert", () => posts().find((p) => text(p.body).includes("quarantined")));
  }, 60_000);
});
