/**
 * `npm run bench`: runs every benchmark script in bench/ one after another, each in its own
 * process, so figures do not disturb each other. Pass names to run some: `npm run bench -- scim-create`.
 * Each script prints stable `bench <name> key=value …` lines.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const scripts = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts" && !f.startsWith("_"))
  .map((f) => f.replace(/\.ts$/, ""))
  .filter((name) => wanted.length === 0 || wanted.includes(name))
  .sort();

if (scripts.length === 0) {
  console.error(`no benchmark matches ${wanted.join(", ")}`);
  process.exit(2);
}
let failed = 0;
for (const name of scripts) {
  console.log(`== bench ${name}`);
  const result = spawnSync(process.execPath, ["--import", "tsx", `${here}${name}.ts`], { stdio: "inherit" });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
