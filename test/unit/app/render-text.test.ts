import { describe, expect, it } from "vitest";
import { renderReplyText } from "#app/render-text.js";
import { listBlock } from "#core/chat/reply.js";

describe("terminal rendering of a reply", () => {
  it("renders every block kind readably", () => {
    const text = renderReplyText({
      fallbackText: "status",
      visibility: "private",
      tone: "info",
      blocks: [
        { type: "header", text: "Sync status" },
        {
          type: "facts",
          facts: [
            { label: "State", value: "**idle**" },
            { label: "Last run", value: "`run_1`" },
          ],
        },
        listBlock(["a@contoso.com", "b@contoso.com", "c@contoso.com"], 2, "Failing users"),
        { type: "links", links: [{ label: "ABM Activity", url: "https://business.apple.com/" }] },
        { type: "text", text: "See [the docs](https://example.com)" },
      ],
    });
    expect(text).toContain("SYNC STATUS");
    expect(text).toContain("State     idle");
    expect(text).toContain("  +1 more");
    expect(text).toContain("→ ABM Activity: https://business.apple.com/");
    expect(text).toContain("See the docs (https://example.com)");
    expect(text).not.toContain("**");
  });

  it("flattens 80,000-character hostile markup in linear time", () => {
    for (const text of ["[".repeat(80_000), "[a](x".repeat(16_000), "[a](".repeat(20_000)]) {
      const started = performance.now();
      renderReplyText({ fallbackText: "x", blocks: [{ type: "text", text }], visibility: "private", tone: "info" });
      expect(performance.now() - started).toBeLessThan(1_000); // the old pattern took seconds
    }
    expect(
      renderReplyText({
        fallbackText: "x",
        blocks: [{ type: "text", text: "[docs](https://e.com)" }],
        visibility: "private",
        tone: "info",
      }),
    ).toBe("docs (https://e.com)\n");
  });
});
