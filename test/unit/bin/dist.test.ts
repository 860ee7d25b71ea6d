import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { currentBuild, DIST_MAIN, STAMP_FILE, sourcesHash } from "../../../bin/dist.js";

/** The `abm` bin runs dist/ only when it was built from exactly the sources it sits beside. */
const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

/** a checkout with a few sources and a build stamped from them */
function builtCheckout(): string {
  const root = mkdtempSync(join(tmpdir(), "abm-dist-"));
  roots.push(root);
  write(root, "package.json", '{"type":"module"}');
  write(root, "tsconfig.json", "{}");
  write(root, "tsconfig.build.json", "{}");
  write(root, "src/app/cli/main.ts", "export {};\n");
  write(root, "adapters/graph/index.ts", "export const a = 1;\n");
  write(root, "adapters/graph/README.md", "# Graph\n");
  write(root, "db/migrations/0000_init.sql", "create table t ();\n");
  write(root, `dist/${DIST_MAIN}`, "export {};\n");
  write(root, `dist/${STAMP_FILE}`, JSON.stringify({ sources: sourcesHash(root) }));
  return root;
}

describe("currentBuild", () => {
  it("answers the compiled entry point while the sources hash as they did at build time", () => {
    const root = builtCheckout();
    expect(currentBuild(root)).toBe(join(root, "dist", DIST_MAIN));
    write(root, "adapters/graph/README.md", "# Graph, reworded\n"); // docs are not built
    expect(currentBuild(root)).toBe(join(root, "dist", DIST_MAIN));
  });

  it.each([
    ["a source edited", (root: string) => write(root, "adapters/graph/index.ts", "export const a = 2;\n")],
    ["a source added", (root: string) => write(root, "emulators/abm/server.ts", "export {};\n")],
    ["a source removed", (root: string) => rmSync(join(root, "adapters/graph/index.ts"))],
    ["a migration added", (root: string) => write(root, "db/migrations/0001_more.sql", "alter table t;\n")],
    ["the imports map changed", (root: string) => write(root, "package.json", '{"type":"module","imports":{}}')],
    ["no stamp (a failed build)", (root: string) => rmSync(join(root, "dist", STAMP_FILE))],
    ["a stamp cut short", (root: string) => write(root, `dist/${STAMP_FILE}`, '{"sources":"ab')],
    ["no compiled entry point", (root: string) => rmSync(join(root, "dist", DIST_MAIN))],
  ])("refuses the build after %s", (_, change) => {
    const root = builtCheckout();
    change(root);
    expect(currentBuild(root)).toBeNull();
  });
});
