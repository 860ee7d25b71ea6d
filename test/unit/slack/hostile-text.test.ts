import { describe, expect, it } from "vitest";
import { toMrkdwn, toPlain } from "#adapters/slack/render/mrkdwn.js";

/** Issue 13 item 8: the neutral-markup pattern is linear on any text (user data reaches replies). */
const N = 80_000;
const HOSTILE = [
  "[".repeat(N),
  "[a](https://x".repeat(N / 13),
  "[a](".repeat(N / 4),
  "<".repeat(N),
  "**a".repeat(N / 3),
];

describe("Slack mrkdwn on hostile text", () => {
  it("renders 80,000-character texts in linear time and keeps links working", () => {
    for (const text of HOSTILE) {
      for (const render of [toMrkdwn, toPlain]) {
        const started = performance.now();
        render(text, 3000);
        // linear: far below the 1–9 s the old pattern took, with room for a loaded CI machine
        expect(performance.now() - started).toBeLessThan(1_000);
      }
    }
    expect(toMrkdwn("see [the docs](https://example.com/a?b=1&c=2) **now**", 3000)).toBe(
      "see <https://example.com/a?b=1&amp;c=2|the docs> *now*",
    );
  });
});
