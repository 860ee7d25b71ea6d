import { describe, expect, it } from "vitest";
import { AppError } from "#core/errors.js";

describe("imports", () => {
  it("resolves subpath imports", () => {
    expect(new AppError("a.b", "m").code).toBe("a.b");
  });
});
