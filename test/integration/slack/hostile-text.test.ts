import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { longestBlockMs } from "#test/support/event-loop.js";
import { createHarness, VIEWER } from "#test/unit/chat/support/harness.js";
import { postSigned, slashCommandBody } from "./support/signed-request.js";
import { SECRET, type SlackFixture, startSlackFixture } from "./support/slack-fixture.js";

/**
 * Issue 13 item 8 for Slack: an 80,000-character slash command text goes through real Bolt and the
 * real chat core without blocking the event loop for 100 ms, and is answered "too long".
 */
const HOSTILE: Readonly<Record<string, string>> = {
  "a[ × 40,000": "a[".repeat(40_000),
  "80,000 *": "*".repeat(80_000),
  "check + 80,000 spaces": `check ${" ".repeat(80_000)}x`,
  "[a](x × 16,000": "[a](x".repeat(16_000),
};

describe("Slack: hostile slash command text", () => {
  const harness = createHarness({ approvalsRequired: 1 });
  let fx: SlackFixture;
  beforeAll(async () => {
    fx = await startSlackFixture({ chat: harness.core });
  });
  afterAll(async () => {
    await fx.close();
  });

  for (const [index, [name, text]] of Object.entries(HOSTILE).entries()) {
    it(`answers ${name} "too long" without blocking the event loop for 100 ms`, async () => {
      const path = `/hostile-${index}`;
      const body = slashCommandBody({ text, userId: VIEWER, responseUrl: `${fx.sink.url}${path}` });
      let status = 0;
      const blocked = await longestBlockMs(async () => {
        status = (await postSigned(fx.eventsUrl, body, { secret: SECRET })).status;
        await fx.sink.waitFor(path);
      });
      expect(status).toBe(200);
      expect(blocked).toBeLessThan(100);
      const [answer] = await fx.sink.waitFor(path);
      expect(String(answer?.body.text)).toMatch(/too long/i);
    });
  }
});
