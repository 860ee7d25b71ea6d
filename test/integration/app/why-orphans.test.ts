import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderSlack } from "#adapters/slack/render/blocks.js";
import { validateSlackMessage } from "#adapters/slack/render/validate.js";
import { renderCard } from "#adapters/teams/cards.js";
import type { EmulatorPair } from "#app/emulators.js";
import { renderReplyText } from "#app/render-text.js";
import type { Answer } from "#core/chat/context.js";
import type { WhyStep } from "#core/chat/why-steps.js";
import { errorFix } from "#core/error-codes.js";
import { type ChatRoundTrip, startChatRoundTrip } from "#test/support/chat-round-trip.js";
import { control } from "../graph/support/graph-fixture.js";

/**
 * `why <user>` and `orphans` against a seeded world: the Graph emulator's control API builds the
 * tenant (users, an assigned group with a nested group inside, a direct assignment), the ABM
 * emulator's SCIM endpoint takes two users made by hand, one full cycle runs, then some users
 * change. Each `why` verdict is asked through the command core; the front ends are driven as users
 * meet them: a signed Slack slash command, a Teams channel message, the CLI (`--json`, `--csv`)
 * over the running service's admin socket.
 */
const SYSTEM = { id: "system", platform: "system" } as const;
const D = "contoso.com";

type Step = Pick<WhyStep, "step" | "verdict">;

describe("why <user> and orphans", () => {
  let pair: EmulatorPair;
  let chat: ChatRoundTrip;
  const ids: Record<string, string> = {};

  async function graph(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const answer = await control(pair.graph, method, path, body);
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.json)}`);
    return (answer.json ?? {}) as Record<string, unknown>;
  }

  async function user(key: string, fields: Record<string, unknown>): Promise<string> {
    const local = key;
    const created = await graph("POST", "/_emulator/users", {
      displayName: key,
      givenName: key,
      surname: "Tester",
      userPrincipalName: `${local}@${D}`,
      mail: `${local}@${D}`,
      accountEnabled: true,
      ...fields,
    });
    ids[key] = String(created.id);
    return ids[key];
  }

  async function scim(path: string, body: unknown): Promise<number> {
    const res = await fetch(`${pair.abm.scimUrl}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${pair.abm.token}`, "content-type": "application/scim+json" },
      body: JSON.stringify(body),
    });
    return res.status;
  }

  beforeAll(async () => {
    let group = "";
    chat = await startChatRoundTrip({
      emulators: { users: 0, seed: 3 },
      prepare: async (started) => {
        pair = started;
        group = String((await graph("POST", "/_emulator/groups", { displayName: "ABM users" })).id);
        const nested = String((await graph("POST", "/_emulator/groups", { displayName: "Contractors" })).id);
        await graph("POST", `/_emulator/groups/${group}/members`, { id: nested });
        await graph("POST", "/_emulator/assignments", { principalId: group });
        for (const key of ["alice", "connie", "harry", "sam"]) {
          await graph("POST", `/_emulator/groups/${group}/members`, { id: await user(key, {}) });
        }
        await graph("POST", `/_emulator/groups/${group}/members`, {
          id: await user("dave", { accountEnabled: false }),
        });
        await user("olga", {});
        await graph("POST", `/_emulator/groups/${nested}/members`, { id: await user("nina", {}) });
        const ivan = await user("ivan", { givenName: null, userPrincipalName: `ivan@fabrikam.example` });
        await graph("POST", `/_emulator/groups/${group}/members`, { id: ivan });
        const direct = await user("dina", {});
        await graph("POST", "/_emulator/assignments", { principalId: direct });

        // ABM users made by hand (no externalId), and one left by another source (a foreign externalId)
        const schemas = ["urn:ietf:params:scim:schemas:core:2.0:User"];
        const byHand = {
          schemas,
          userName: `byhand@${D}`,
          name: { givenName: "By", familyName: "Hand" },
          active: true,
        };
        expect(await scim("/Users", byHand)).toBe(201);
        const legacy = { ...byHand, userName: `legacy@${D}`, externalId: "legacy-0001" };
        expect(await scim("/Users", legacy)).toBe(201);
        // connie's address is a personal Apple Account: ABM answers 409
        const root = pair.abm.scimUrl.replace(/\/feeds\/business\/scim$/, "");
        await fetch(`${root}/_emulator/conflicts`, {
          method: "POST",
          body: JSON.stringify({ userNames: [`connie@${D}`] }),
        });
      },
    });
    const full = await engine().runCycle({ kind: "full", trigger: "cli", actor: SYSTEM });
    if (!full.ok) throw full.error;
    // after the cycle: sam goes to the recycle bin, harry is deleted for good, nora arrives
    await graph("DELETE", `/_emulator/users/${ids.sam}?hard=false`);
    await graph("DELETE", `/_emulator/users/${ids.harry}?hard=true`);
    await graph("POST", `/_emulator/groups/${group}/members`, { id: await user("nora", {}) });
  }, 120_000);

  afterAll(async () => {
    await chat?.close();
  });

  const engine = () => chat.service.services.connections[0].engine;

  async function why(who: string): Promise<{ breaksAt: string | null; steps: Step[]; text: string; answer: Answer }> {
    const answer = await chat.ask(`why ${who}`);
    if (!answer.ok) throw answer.error;
    const data = answer.data.why as { breaksAt: string | null; steps: WhyStep[] };
    return {
      breaksAt: data.breaksAt,
      steps: data.steps,
      text: answer.replies.map(renderReplyText).join("\n"),
      answer,
    };
  }

  const verdicts = (steps: readonly Step[]) => Object.fromEntries(steps.map((s) => [s.step, s.verdict]));

  it("synced and active: every step holds", async () => {
    const alice = await why(`alice@${D}`);
    expect(alice.breaksAt).toBeNull();
    expect(verdicts(alice.steps)).toEqual({
      entra: "pass",
      enabled: "pass",
      scope: "pass",
      valid: "pass",
      linked: "pass",
      last_operation: "pass",
      abm: "pass",
    });
    expect(alice.text).toMatch(/direct member of the assigned group \W*ABM users/i);
    // by object id too, and assigned directly
    const dina = await why(ids.dina ?? "");
    expect(dina.breaksAt).toBeNull();
    expect(dina.text).toMatch(/assigned to the app directly/i);
    console.log(`--- why alice@${D} (text) ---\n${alice.text}`);
  });

  it("not in Entra, and soft-deleted (what is known after the break is still shown)", async () => {
    const ghost = await why(`ghost@${D}`);
    expect(ghost.breaksAt).toBe("entra");
    expect(verdicts(ghost.steps)).toMatchObject({ enabled: "unknown", scope: "unknown", abm: "fail" });
    const sam = await why(`sam@${D}`);
    expect(sam.breaksAt).toBe("entra");
    expect(sam.text).toContain("Soft-deleted in Entra");
    expect(verdicts(sam.steps)).toMatchObject({ linked: "pass", last_operation: "pass", abm: "pass" });
    console.log(`--- why sam@${D} (text) ---\n${sam.text}`);
  });

  it("disabled, out of scope, only in a nested group, invalid", async () => {
    expect((await why(`dave@${D}`)).breaksAt).toBe("enabled");
    const olga = await why(`olga@${D}`);
    expect(olga.breaksAt).toBe("scope");
    expect(olga.text).not.toContain("NESTED group");
    const nina = await why(`nina@${D}`);
    expect(nina.breaksAt).toBe("scope");
    expect(nina.text).toContain("Only through a NESTED group under ABM users: not counted");
    console.log(`--- why nina@${D} (text) ---\n${nina.text}`);
    const ivan = await why("ivan@fabrikam.example");
    expect(ivan.breaksAt).toBe("valid");
    expect(ivan.text).toMatch(/givenName/);
    expect(ivan.text).toMatch(/userName/);
    expect(verdicts(ivan.steps)).toMatchObject({ linked: "unknown", abm: "fail" });
  });

  it("never synced, and failed with a 409 (code and fix)", async () => {
    const nora = await why(`nora@${D}`);
    expect(nora.breaksAt).toBe("linked");
    expect(nora.text).toContain("Never synced");
    const connie = await why(`connie@${D}`);
    expect(connie.breaksAt).toBe("linked");
    expect(verdicts(connie.steps)).toMatchObject({ last_operation: "fail", abm: "fail" });
    expect(connie.text).toContain("scim.conflict");
    expect(connie.text).toContain(errorFix("scim.conflict").slice(0, 40));
    console.log(`--- why connie@${D} (text) ---\n${connie.text}`);
  });

  it("orphans: hand-made, another source's, and the links of deleted users; nothing changes", async () => {
    const before = await (
      await fetch(`${pair.abm.scimUrl.replace(/\/feeds\/business\/scim$/, "")}/_emulator/stats`)
    ).json();
    const answer = await chat.ask("orphans");
    if (!answer.ok) throw answer.error;
    const orphans = answer.data.orphans as { userName: string; kind: string; reason: string }[];
    expect(Object.fromEntries(orphans.map((o) => [o.userName, o.kind]))).toEqual({
      [`byhand@${D}`]: "unlinked",
      [`legacy@${D}`]: "foreign",
      [`harry@${D}`]: "linked",
      [`sam@${D}`]: "linked",
    });
    expect(orphans.find((o) => o.userName === `harry@${D}`)?.reason).toContain("no longer in Entra");
    expect(answer.data.elapsedMs).toBeTypeOf("number");
    const after = (await (
      await fetch(`${pair.abm.scimUrl.replace(/\/feeds\/business\/scim$/, "")}/_emulator/stats`)
    ).json()) as { byMethod: Record<string, unknown> };
    expect(Object.keys(after.byMethod).sort()).toEqual(
      Object.keys((before as { byMethod: Record<string, unknown> }).byMethod).sort(),
    );
    expect(after.byMethod.POST).toEqual((before as { byMethod: Record<string, unknown> }).byMethod.POST);
    console.log(`--- orphans (text) ---\n${answer.replies.map(renderReplyText).join("\n")}`);
  });

  it("CLI: `abm why <user> --json` and `abm orphans --csv FILE --json`", async () => {
    const json = await chat.cli(["why", `connie@${D}`, "--json"]);
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { ok: boolean; why: { breaksAt: string; steps: Step[] } };
    expect(parsed.ok).toBe(true);
    expect(parsed.why.breaksAt).toBe("linked");
    expect(parsed.why.steps.map((s) => s.step)).toEqual([
      "entra",
      "enabled",
      "scope",
      "valid",
      "linked",
      "last_operation",
      "abm",
    ]);
    const text = await chat.cli(["why", `connie@${D}`]);
    expect(text.stdout).toContain('BREAKS AT "LINKED"');

    const file = join(chat.home, "orphans.csv");
    const csv = await chat.cli(["orphans", "--csv", file, "--json"]);
    expect(csv.code, csv.stderr).toBe(0);
    const report = JSON.parse(csv.stdout) as { ok: boolean; total: number; csv: string };
    expect(report).toMatchObject({ ok: true, total: 4, csv: file });
    const [header, ...rows] = readFileSync(file, "utf8").trimEnd().split("\r\n");
    expect(header).toBe("scimId,userName,externalId,active,kind,entraId,reason");
    expect(rows).toHaveLength(4);
    expect(rows.some((r) => r.includes(`legacy@${D},legacy-0001,true,foreign`))).toBe(true);
  });

  it("Slack: signed `/abm why …` and `/abm orphans` answer privately in valid Block Kit", async () => {
    for (const [text, expected] of [
      [`why nina@${D}`, "NESTED group"],
      ["orphans", `byhand@${D}`],
    ] as const) {
      const [answer] = await chat.slack(text);
      expect(answer?.response_type).toBe("ephemeral");
      expect(JSON.stringify(answer?.blocks)).toContain(expected);
    }
    // what Slack got is the core's reply, rendered once
    const nina = await why(`nina@${D}`);
    const [reply] = nina.answer.replies;
    if (reply === undefined) throw new Error("no reply");
    expect(validateSlackMessage(renderSlack(reply))).toEqual([]);
  });

  it("Teams: `@abm why …` and `@abm orphans` answer in the asker's personal chat with valid cards", async () => {
    for (const [text, expected] of [
      [`why connie@${D}`, "scim.conflict"],
      ["orphans", `legacy@${D}`],
    ] as const) {
      const [message] = await chat.teams(text);
      expect(message?.conversationId.startsWith("a:personal-")).toBe(true);
      expect(JSON.stringify(message?.card)).toContain(expected);
    }
    const connie = await why(`connie@${D}`);
    const [reply] = connie.answer.replies;
    if (reply === undefined) throw new Error("no reply");
    expect(chat.validateCard(renderCard(reply))).toEqual([]);
  });
});
