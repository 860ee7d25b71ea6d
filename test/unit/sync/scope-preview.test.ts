import { describe, expect, it } from "vitest";
import type { LinkState } from "#core/sync/operations.js";
import { previewScopeChange } from "#core/sync/scope-preview.js";

const link = (entraId: string, active = true): LinkState => ({
  entraId,
  scimId: `s-${entraId}`,
  userName: `${entraId}@example.com`,
  attributeHash: "h",
  active,
});

describe("previewScopeChange", () => {
  const links = [link("a"), link("b"), link("c", false), link("d")];

  it("counts users entering and active linked users leaving, with sorted examples", () => {
    const preview = previewScopeChange(new Set(["a", "b", "c", "d"]), new Set(["a", "x", "y"]), links, {
      threshold: 500,
      userNames: new Map([["y", "yan@example.com"]]),
    });
    expect(preview).toEqual({
      entering: 2,
      leaving: 2,
      examplesEntering: ["x", "yan@example.com"],
      examplesLeaving: ["b@example.com", "d@example.com"],
      wouldHold: false,
    });
  });

  it("says the change would be held when leaving users exceed the threshold", () => {
    expect(previewScopeChange(new Set(["a", "b", "d"]), new Set(), links, { threshold: 2 }).wouldHold).toBe(true);
    expect(previewScopeChange(new Set(["a", "b", "d"]), new Set(["a"]), links, { threshold: 2 }).wouldHold).toBe(false);
  });

  it("limits the examples", () => {
    const many = Array.from({ length: 20 }, (_, i) => link(`u${String(i).padStart(2, "0")}`));
    const preview = previewScopeChange(new Set(many.map((l) => l.entraId)), new Set(), many, {
      threshold: 500,
      exampleLimit: 3,
    });
    expect(preview.leaving).toBe(20);
    expect(preview.examplesLeaving).toEqual(["u00@example.com", "u01@example.com", "u02@example.com"]);
  });
});
