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
});
