import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { findViolations } from "./support/import-rules.js";

const root = new URL("../..", import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  const abs = join(root, dir);
  let entries: string[];
  try {
    entries = readdirSync(abs);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(abs, name);
    if (statSync(path).isDirectory()) return sourceFiles(relative(root, path));
    return /\.(ts|js|mjs)$/.test(name) ? [relative(root, path)] : [];
  });
}

describe("dependency rule (docs/contracts.md §3)", () => {
  it("holds for every file in src/core, adapters/ and db/", () => {
    const files = [...sourceFiles("src/core"), ...sourceFiles("adapters"), ...sourceFiles("db")];
    expect(files.length).toBeGreaterThan(0);
    const violations = files.flatMap((file) => findViolations(file, readFileSync(join(root, file), "utf8")));
    expect(violations).toEqual([]);
  });

  it("catches a core file importing an adapter, the db or the app", () => {
    const text = [
      'import { x } from "#adapters/graph/source.js";',
      'import type { Db } from "../../db/client.js";',
      'export { y } from "#app/wiring.js";',
      'const z = await import("pino");',
    ].join("\n");
    expect(findViolations("src/core/sync/bad.ts", text)).toHaveLength(4);
  });

  it("catches an adapter importing the db, the app or another adapter", () => {
    const text = [
      'import { a } from "#db/client.js";',
      'import { b } from "../graph/source.js";',
      'import { c } from "#adapters/slack/app.js";',
      'import { d } from "../../src/app/main.js";',
      'import { e } from "#core/errors.js";',
      'import { f } from "./local.js";',
      'import { App } from "@slack/bolt";',
    ].join("\n");
    expect(findViolations("adapters/teams/bad.ts", text).map((v) => v.specifier)).toEqual([
      "#db/client.js",
      "../graph/source.js",
      "#adapters/slack/app.js",
      "../../src/app/main.js",
    ]);
  });

  it("lets the core use zod, node:crypto and itself", () => {
    const text = [
      'import { z } from "zod";',
      'import { createHash } from "node:crypto";',
      'import type { Result } from "#core/result.js";',
      'import { plan } from "./planner.js";',
      'import { AppError } from "../errors.js";',
    ].join("\n");
    expect(findViolations("src/core/sync/ok.ts", text)).toEqual([]);
  });
});
