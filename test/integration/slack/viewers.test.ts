import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, OPERATOR, VIEWER } from "#test/support/chat/harness.js";
import { postSigned, slashCommandBody } from "./support/signed-request.js";
import { SECRET, type SlackFixture, startSlackFixture } from "./support/slack-fixture.js";

/**
 * Real Bolt over signed HTTP with `ABM_VIEWERS` set: someone in the workspace who is not a viewer
 * may still run `help` and `status`, but not read personal data (`check`, `errors`, `approvals`).
 */
const OUTSIDER = "UOUTSIDE1";

describe("ABM_VIEWERS", () => {
  const harness = createHarness({ approvalsRequired: 1, viewers: [VIEWER] });
  let fx: SlackFixture;

  beforeAll(async () => {
    fx = await startSlackFixture({ chat: harness.core });
  });
  afterAll(async () => {
    await fx.close();
  });

  async function ask(userId: string, text: string): Promise<string> {
    const path = `/${userId}-${text.replace(/\W+/g, "-")}`;
    const body = slashCommandBody({ text, userId, responseUrl: `${fx.sink.url}${path}` });
    expect((await postSigned(fx.eventsUrl, body, { secret: SECRET })).status).toBe(200);
    const [answer] = await fx.sink.waitFor(path);
    return JSON.stringify(answer?.body);
  }

  it("refuses check, errors and approvals to someone who is not a viewer, and audits it", async () => {
    for (const text of ["check ann@example.com", "errors", "approvals"]) {
      const answer = await ask(OUTSIDER, text);
      expect(answer, text).toMatch(/needs the \*+viewer\*+ role/);
      expect(answer, text).toContain("ABM_VIEWERS");
    }
    expect(harness.audit.entries.filter((e) => e.actor === OUTSIDER).map((e) => [e.command, e.outcome])).toEqual([
      ["check", "refused"],
      ["errors", "refused"],
      ["approvals", "refused"],
    ]);
  });

  it("keeps help and status open, and help lists only what the asker may run", async () => {
    const status = await ask(OUTSIDER, "status");
    expect(status).toContain("ABM sync");
    expect(status).not.toContain("needs the");
    const help = await ask(OUTSIDER, "help");
    expect(help).toContain("ABM_VIEWERS");
    expect(help).not.toContain("abm check");
  });

  it("lets a listed viewer and an operator (viewer or above) read", async () => {
    for (const user of [VIEWER, OPERATOR]) {
      expect(await ask(user, "errors"), user).not.toContain("needs the");
      expect(await ask(user, "check ann@example.com"), user).not.toContain("needs the");
    }
  });
});
