import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHarness, VIEWER } from "#test/support/chat/harness.js";
import { cpuMsDuring } from "#test/support/cpu-time.js";
import { postSigned, slashCommandBody } from "./support/signed-request.js";
import { SECRET, type SlackFixture, startSlackFixture } from "./support/slack-fixture.js";

/**
 * Issue 13 item 8 for Slack: an 80,000-character slash command text goes through real Bolt and the
 * real chat core in well under half a second of CPU (the old patterns took seconds), and is answered "too long".
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
    // warm up (first request: Bolt, the HTTP client and the JIT start), so the timings below are the text's
    const body = slashCommandBody({ text: "status", userId: VIEWER, responseUrl: `${fx.sink.url}/warm-up` });
    await postSigned(fx.eventsUrl, body, { secret: SECRET });
    await fx.sink.waitFor("/warm-up");
  });
  afterAll(async () => {
    await fx.close();
  });

  for (const [index, [name, text]] of Object.entries(HOSTILE).entries()) {
    it(`answers ${name} "too long" in well under half a second of CPU (the old patterns took seconds)`, async () => {
      const path = `/hostile-${index}`;
      const body = slashCommandBody({ text, userId: VIEWER, responseUrl: `${fx.sink.url}${path}` });
      let status = 0;
      const cpuMs = await cpuMsDuring(async () => {
        status = (await postSigned(fx.eventsUrl, body, { secret: SECRET })).status;
        await fx.sink.waitFor(path);
      });
      expect(status).toBe(200);
      expect(cpuMs).toBeLessThan(500); // the whole HTTP path through the SDK: ~30–130 ms on a CI runner
      const [answer] = await fx.sink.waitFor(path);
      expect(String(answer?.body.text)).toMatch(/too long/i);
    });
  }
});
