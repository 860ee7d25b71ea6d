#!/usr/bin/env node
// The `abm` command. Compiled JS from dist/ when `npm run build` made it from exactly these sources
// (bin/dist.js checks), the TypeScript sources through tsx otherwise: a checkout runs without a
// build step, and a build older than the sources never runs.
import { pathToFileURL } from "node:url";
import { currentBuild } from "./dist.js";

const compiled = currentBuild();
if (compiled !== null) {
  await import(pathToFileURL(compiled).href);
} else {
  if (["serve", "start", "demo"].includes(process.argv[2] ?? "")) {
    process.stderr.write(
      "abm: running the TypeScript sources through tsx (dist/ is missing or older than the sources). `npm run build` compiles them: compiled JS starts faster and needs less memory.\n",
    );
  }
  const { register } = await import("tsx/esm/api");
  register();
  await import(new URL("../src/app/cli/main.ts", import.meta.url).href);
}
