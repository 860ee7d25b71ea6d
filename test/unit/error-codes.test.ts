import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, type ErrorCode, isErrorCode, isRateLimit } from "#core/error-codes.js";
import { AppError, toAppError } from "#core/errors.js";

describe("error codes: one closed union with retryability and a fix", () => {
  it("every code is namespaced and says what to do", () => {
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(code).toMatch(/^[a-z]+\.[a-z_]+$/);
      expect(info.fix.length).toBeGreaterThan(10);
      expect(info.fix).not.toMatch(/TODO/);
    }
  });

  it("an AppError takes its retryability and fix from its code unless the caller knows better", () => {
    const busy = new AppError("engine.busy", "A cycle runs.");
    expect(busy.retryable).toBe(true);
    expect(busy.fix).toBe(ERROR_CODES["engine.busy"].fix);
    expect(new AppError("engine.busy", "x", { retryable: false }).retryable).toBe(false);
    expect(new AppError("scim.invalid", "x").retryable).toBe(false);
    expect(busy.toJSON()).toMatchObject({ code: "engine.busy", retryable: true, fix: expect.any(String) });
    expect(toAppError(new Error("boom")).code).toBe("internal.unexpected");
  });

  it("knows its own codes and the ones that mean slow down", () => {
    expect(isErrorCode("scim.conflict")).toBe(true);
    expect(isErrorCode("validation.missing_given_name")).toBe(false);
    expect(isErrorCode("toString")).toBe(false);
    const limits = (Object.keys(ERROR_CODES) as ErrorCode[]).filter(isRateLimit);
    expect(limits.sort()).toEqual([
      "apple.rate_limited",
      "engine.rate_limited",
      "graph.throttled",
      "scim.rate_limited",
      "slack.rate_limited",
    ]);
    for (const code of limits) expect(ERROR_CODES[code].retryable).toBe(true);
  });

  it("every code is raised somewhere in the product (no dead codes in the union)", () => {
    const root = new URL("../..", import.meta.url).pathname;
    const read = (dir: string): string[] =>
      readdirSync(join(root, dir)).flatMap((name) => {
        const path = join(dir, name);
        if (statSync(join(root, path)).isDirectory()) return read(path);
        return name.endsWith(".ts") && name !== "error-codes.ts" ? [readFileSync(join(root, path), "utf8")] : [];
      });
    const product = ["src", "adapters", "db", "manifest"].flatMap(read).join("\n");
    const unused = Object.keys(ERROR_CODES).filter((code) => !product.includes(`"${code}"`));
    expect(unused).toEqual([]);
  });
});
