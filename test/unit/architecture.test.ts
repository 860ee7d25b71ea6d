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

  it("allows exactly one cross-adapter import: the entra engine → the Graph client package's index", () => {
    const allowed = [
      'import { lookupUser } from "#adapters/graph/index.js";',
      'import type { GraphRequester } from "../graph/index.js";',
    ];
    expect(findViolations("adapters/entra-provisioning/sync-api.ts", allowed.join("\n"))).toEqual([]);
    const refused = [
      'import { odataString } from "#adapters/graph/odata.js";',
      'import { x } from "../graph/graph-requester.js";',
      'import { y } from "#adapters/slack/app.js";',
      'import { z } from "../abm-scim/abm-scim-target.js";',
    ].join("\n");
    expect(findViolations("adapters/entra-provisioning/bad.ts", refused).map((v) => v.specifier)).toEqual([
      "#adapters/graph/odata.js",
      "../graph/graph-requester.js",
      "#adapters/slack/app.js",
      "../abm-scim/abm-scim-target.js",
    ]);
    const reverse = [
      'import { e } from "#adapters/entra-provisioning/index.js";',
      'import { f } from "../entra-provisioning/sync-api.js";',
    ];
    expect(findViolations("adapters/graph/bad.ts", reverse.join("\n"))).toHaveLength(2);
    expect(findViolations("adapters/slack/bad.ts", allowed[0] ?? "")).toHaveLength(1);
  });

  it("keeps the Graph SDK and the credential inside adapters/graph (one client, one credential per process)", () => {
    const sdk = /from\s+["'](@azure\/identity|@microsoft\/microsoft-graph-client)[^"']*["']/;
    const users = sourceFiles("adapters").filter((file) => sdk.test(readFileSync(join(root, file), "utf8")));
    expect(users.length).toBeGreaterThan(0);
    expect(users.filter((file) => !file.startsWith("adapters/graph/"))).toEqual([]);
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
