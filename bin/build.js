#!/usr/bin/env node
// `npm run build`: compiles src, adapters, db and emulators into dist/ (tsc -p tsconfig.build.json),
// copies the migrations, gives dist/ its own package.json (the same `imports` map, read inside dist)
// and writes dist/build-stamp.json with the hash of the sources it was built from (bin/dist.js).
// `--if-stale` (npm start's prestart): nothing while dist/ is current; a failed build is reported
// and `abm` goes on with the TypeScript sources through tsx.
import { spawnSync } from "node:child_process";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { currentBuild, ROOT, STAMP_FILE, sourcesHash } from "./dist.js";

const ifStale = process.argv.includes("--if-stale");
const dist = join(ROOT, "dist");

/**
 * @param {string} why
 * @returns {never}
 */
function failed(why) {
  process.stderr.write(`build: ${why}\n`);
  if (!ifStale) process.exit(1);
  process.stderr.write("build: abm runs the TypeScript sources through tsx instead.\n");
  process.exit(0);
}

if (ifStale && currentBuild() !== null) process.exit(0);
if (ifStale) process.stderr.write("build: compiling to dist/ (the sources changed since the last build)…\n");
// hashed before compiling: a file edited meanwhile no longer matches the stamp, so dist/ counts as stale
const sources = sourcesHash();
rmSync(dist, { recursive: true, force: true });
/** @type {string} */
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
} catch {
  failed("TypeScript is not installed (a production install without dev dependencies?).");
}
const compiled = spawnSync(process.execPath, [tsc, "-p", join(ROOT, "tsconfig.build.json")], {
  cwd: ROOT,
  stdio: "inherit",
});
if (compiled.status !== 0)
  failed(`tsc failed (exit ${compiled.status ?? compiled.signal}); dist/ is left without a stamp.`);
cpSync(join(ROOT, "db", "migrations"), join(dist, "db", "migrations"), { recursive: true });
const { imports } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
writeFileSync(join(dist, "package.json"), `${JSON.stringify({ type: "module", imports }, null, 2)}\n`);
writeFileSync(join(dist, STAMP_FILE), `${JSON.stringify({ sources })}\n`);
