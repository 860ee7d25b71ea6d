// The compiled build (`npm run build` → dist/) and how the `abm` bin knows it is current. Plain JS:
// it runs before any TypeScript loader, so deciding costs no tsx.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** what tsconfig.build.json compiles, and what the build copies beside it (db/migrations) */
const SOURCE_DIRS = ["src", "adapters", "db", "emulators"];
/** the files that shape the build: the compiler settings and the `imports` map dist/package.json repeats */
const SOURCE_FILES = ["package.json", "tsconfig.json", "tsconfig.build.json"];
export const STAMP_FILE = "build-stamp.json";
export const DIST_MAIN = "src/app/cli/main.js";

/**
 * One hash of every input of the build (file names and contents, docs aside). The build writes it
 * into dist/build-stamp.json; the bin runs dist only while the sources still hash the same.
 * @param {string} [root]
 * @returns {string}
 */
export function sourcesHash(root = ROOT) {
  const files = [
    ...SOURCE_FILES.map((name) => join(root, name)),
    ...SOURCE_DIRS.flatMap((dir) => walk(join(root, dir))),
  ]
    .filter((path) => !path.endsWith(".md"))
    .map((path) => relative(root, path))
    .sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

/**
 * @param {string} dir
 * @returns {string[]}
 */
function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return walk(path);
    return entry.isFile() ? [path] : [];
  });
}

/**
 * The compiled entry point when `distDir` was built from exactly the sources under `root`, else null
 * (never built, a failed build, or sources changed since): a stale build never runs.
 * @param {string} [root]
 * @param {string} [distDir]
 * @returns {string | null}
 */
export function currentBuild(root = ROOT, distDir = join(root, "dist")) {
  const main = join(distDir, DIST_MAIN);
  const stampPath = join(distDir, STAMP_FILE);
  if (!existsSync(main) || !existsSync(stampPath)) return null;
  /** @type {unknown} */
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampPath, "utf8"));
  } catch {
    return null; // a stamp cut short (a build interrupted while writing it): not a build to trust
  }
  const built = typeof stamp === "object" && stamp !== null && "sources" in stamp ? stamp.sources : null;
  return built === sourcesHash(root) ? main : null;
}
