import { describe, expect, it } from "vitest";
import { commandText, inboundActivitySchema } from "#adapters/teams/activity.js";
import { toPlainText, toTeamsMarkdown } from "#adapters/teams/markup.js";

/** Issue 13 item 8: every pattern that sees user text is linear, and the command is cut first. */
const N = 80_000;
const HOSTILE = [
  "<".repeat(N),
  "‹".repeat(N),
  "<a ".repeat(N / 3),
  "[".repeat(N),
  "[a](x".repeat(N / 5),
  "[a](".repeat(N / 4),
];

/** CPU time (ms), which a loaded machine descheduling the process does not inflate */
function timed<T>(work: () => T): { value: T; ms: number } {
  const before = process.cpuUsage();
  const value = work();
  const used = process.cpuUsage(before);
  return { value, ms: (used.user + used.system) / 1000 };
}

const activity = (text: string, entities: unknown[] = []) =>
  inboundActivitySchema.parse({
    type: "message",
    channelId: "msteams",
    serviceUrl: "https://smba.example.net/emea/",
    from: { id: "29:u" },
    recipient: { id: "28:bot" },
    conversation: { id: "a:1" },
    text,
    entities,
  });

describe("commandText on hostile input", () => {
  it("handles 80,000-character hostile texts in well under 250 ms of CPU, cut to one character over the limit", () => {
    for (const text of HOSTILE) {
      const inbound = activity(text);
      const { value, ms } = timed(() => commandText(inbound));
      expect(ms).toBeLessThan(250); // the old tag pattern took 5.5 s
      expect(value.length).toBeLessThanOrEqual(2001);
    }
  });

  it("still strips the mention, tags and &nbsp;, and ignores an empty mention text", () => {
    const mention = { type: "mention", text: "<at>abm</at>", mentioned: { id: "28:bot" } };
    expect(commandText(activity("<at>abm</at>&nbsp;<p>check  ann@example.com</p>", [mention]))).toBe(
      "check ann@example.com",
    );
    const empty = { type: "mention", text: "", mentioned: { id: "28:bot" } };
    expect(commandText(activity("status", [empty]))).toBe("status");
    expect(commandText(activity("a < b > c"))).toBe("a c");
  });
});

describe("Teams markup on hostile text", () => {
  it("renders 80,000-character texts in linear time (the old pattern took 2–8 s) and keeps links working", () => {
    for (const text of HOSTILE) {
      // outgoing text (user data in replies): linear, far below the seconds the old pattern took;
      // the bound leaves room for a loaded CI machine
      expect(timed(() => toTeamsMarkdown(text)).ms).toBeLessThan(1_000);
      expect(timed(() => toPlainText(text)).ms).toBeLessThan(1_000);
    }
    expect(toTeamsMarkdown("see [the docs](https://example.com/a_b) **now**")).toBe(
      "see [the docs](https://example.com/a_b) **now**",
    );
  });
});
