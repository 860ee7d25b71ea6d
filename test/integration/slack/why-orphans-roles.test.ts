import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateSlackMessage } from "#adapters/slack/index.js";
import { createHarness, OPERATOR, VIEWER } from "#test/support/chat/harness.js";
import { postSigned, slashCommandBody } from "./support/signed-request.js";
import { SECRET, type SlackFixture, startSlackFixture } from "./support/slack-fixture.js";

/**
 * Real Bolt over signed HTTP with `ABM_VIEWERS` set: `why` and `orphans` show personal data, so
 * they need the viewer role like `check`; a refusal is audited with the user asked about.
 * (The seeded-emulator answers themselves: test/integration/app/why-orphans.test.ts.)
 */
const OUTSIDER = "UOUTSIDE2";

describe("why and orphans in Slack: viewers only", () => {
  const harness = createHarness({ approvalsRequired: 1, viewers: [VIEWER] });
  let fx: SlackFixture;

  beforeAll(async () => {
    harness.engine.users = [
      { id: "11111111-0000-0000-0000-000000000001", upn: "ann@example.com", assigned: true, givenName: "Ann" },
      { id: "11111111-0000-0000-0000-000000000002", upn: "bo@example.com", assigned: false, givenName: null },
    ];
    fx = await startSlackFixture({ chat: harness.core });
  });
  afterAll(async () => {
    await fx.close();
  });

  async function ask(userId: string, text: string): Promise<Record<string, unknown>> {
    const path = `/${userId}-${text.replace(/\W+/g, "-")}`;
    const body = slashCommandBody({ text, userId, responseUrl: `${fx.sink.url}${path}` });
    expect((await postSigned(fx.eventsUrl, body, { secret: SECRET })).status).toBe(200);
    const [answer] = await fx.sink.waitFor(path);
    return answer?.body ?? {};
  }

  it("refuses why and orphans to someone who is not a viewer, and audits it", async () => {
    for (const text of ["why ann@example.com", "orphans"]) {
      const answer = JSON.stringify(await ask(OUTSIDER, text));
      expect(answer, text).toMatch(/needs the \*+viewer\*+ role/);
    }
    expect(
      harness.audit.entries.filter((e) => e.actor === OUTSIDER).map((e) => [e.command, e.target, e.outcome]),
    ).toEqual([
      ["why", "ann@example.com", "refused"],
      ["orphans", null, "refused"],
    ]);
  });

  it("answers a viewer and an operator privately, in valid Block Kit, with the verdict marks", async () => {
    for (const user of [VIEWER, OPERATOR]) {
      const why = await ask(user, "why bo@example.com");
      expect(why.response_type).toBe("ephemeral");
      expect(validateSlackMessage({ text: why.text, blocks: why.blocks })).toEqual([]);
      const shown = JSON.stringify(why.blocks);
      expect(shown).toContain("✗");
      expect(shown).toContain("In scope");
      const orphans = await ask(user, "orphans");
      expect(orphans.response_type).toBe("ephemeral");
      expect(validateSlackMessage({ text: orphans.text, blocks: orphans.blocks })).toEqual([]);
      expect(JSON.stringify(orphans.blocks)).toContain("byhand@example.com");
    }
  });
});
