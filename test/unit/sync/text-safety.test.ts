import { describe, expect, it } from "vitest";
import { codePointLabel, findUnsafeCharacter, printable } from "#core/sync/text-safety.js";

describe("findUnsafeCharacter", () => {
  it("accepts ordinary text, accents, CJK and well-formed surrogate pairs (emoji)", () => {
    for (const value of ["", "Sales", "Tomás Müller", "営業部", "R&D 🚀 team", "a\u00a0b"])
      expect(findUnsafeCharacter(value)).toBeNull();
  });

  it("finds C0 and C1 control characters and DEL, with their position", () => {
    expect(findUnsafeCharacter("Sales\u0000Ops")).toEqual({ index: 5, codePoint: 0, kind: "control" });
    expect(findUnsafeCharacter("a\tb")?.codePoint).toBe(9);
    expect(findUnsafeCharacter("line\nbreak")?.kind).toBe("control");
    expect(findUnsafeCharacter("x\u007f")?.codePoint).toBe(0x7f);
    expect(findUnsafeCharacter("x\u0085")?.codePoint).toBe(0x85);
  });

  it("finds lone surrogates: a high one without its pair, at the end, or a low one alone", () => {
    expect(findUnsafeCharacter("R&D \ud800")).toEqual({ index: 4, codePoint: 0xd800, kind: "lone_surrogate" });
    expect(findUnsafeCharacter("\ud800x")?.kind).toBe("lone_surrogate");
    expect(findUnsafeCharacter("x\udc00")).toEqual({ index: 1, codePoint: 0xdc00, kind: "lone_surrogate" });
    expect(findUnsafeCharacter("\udc00\ud800")?.index).toBe(0);
  });

  it("scans 1 MB in linear time", () => {
    const value = `${"🚀".repeat(250_000)}\u0000`;
    const started = performance.now();
    expect(findUnsafeCharacter(value)?.index).toBe(500_000);
    expect(performance.now() - started).toBeLessThan(200);
  });
});

describe("printable", () => {
  it("makes unsafe characters visible and leaves everything else as it is", () => {
    expect(printable("Sales\u0000Ops")).toBe("Sales[U+0000]Ops");
    expect(printable("R&D \ud800 🚀")).toBe("R&D [U+D800] 🚀");
    expect(printable("Tomás")).toBe("Tomás");
    expect(findUnsafeCharacter(printable("\u0001\udfff\u009f"))).toBeNull();
  });

  it("labels code points the Unicode way", () => {
    expect(codePointLabel(0)).toBe("U+0000");
    expect(codePointLabel(0xd800)).toBe("U+D800");
  });
});
