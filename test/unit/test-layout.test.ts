import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { SLOWEST_FIRST } from "#test/support/slowest-first.js";

const root = new URL("../..", import.meta.url).pathname;

function files(dir: string): string[] {
  const abs = join(root, dir);
  return readdirSync(abs).flatMap((name) => {
    const path = join(abs, name);
    if (statSync(path).isDirectory()) return name === "node_modules" ? [] : files(relative(root, path));
    return /\.(ts|mts|js|mjs)$/.test(name) ? [relative(root, path)] : [];
  });
}

/** every module specifier a file imports or re-exports */
function specifiers(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  return [...text.matchAll(/(?:import|export)[^"'`]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g)].map(
    (m) => m[1] ?? m[2] ?? "",
  );
}

describe("test support lives under test/, and only unit tests reach into test/unit", () => {
  it("product code (src, adapters, db, emulators, bin) never imports test code", () => {
    const product = ["src", "adapters", "db", "emulators"].flatMap(files);
    const offenders = product.flatMap((file) =>
      specifiers(file)
        .filter((s) => s.startsWith("#test/") || /(^|\/)test\//.test(s))
        .map((s) => `${file} → ${s}`),
    );
    expect(offenders).toEqual([]);
  });

  it("integration and e2e tests, benches and shared support never import from test/unit", () => {
    const others = ["test/integration", "test/e2e", "test/support", "bench"].flatMap(files);
    const offenders = others.flatMap((file) =>
      specifiers(file)
        .filter((s) => s.startsWith("#test/unit/") || /(^|\/)unit\//.test(s))
        .map((s) => `${file} → ${s}`),
    );
    expect(offenders).toEqual([]);
  });
});

describe("the files vitest starts first (test/support/slowest-first.ts)", () => {
  it("are test files that exist, each listed once", () => {
    const tests = new Set([...files("test/integration"), ...files("test/e2e")].filter((f) => f.endsWith(".test.ts")));
    expect(SLOWEST_FIRST.filter((file) => !tests.has(file))).toEqual([]);
    expect(new Set(SLOWEST_FIRST).size).toBe(SLOWEST_FIRST.length);
  });
});
