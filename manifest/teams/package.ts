import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildTeamsPackage } from "./build-package.js";

/**
 * `npm run teams:package -- [--app-id <guid>] [--domain <host>] [--out <dir>]`
 * The app id defaults to MICROSOFT_APP_ID (this build script, like drizzle.config.ts, reads the
 * environment directly; the service itself reads it only through src/config).
 */
async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { "app-id": { type: "string" }, domain: { type: "string" }, out: { type: "string" } },
    strict: true,
  });
  const appId = values["app-id"] ?? process.env.MICROSOFT_APP_ID;
  if (appId === undefined || appId === "") {
    process.stderr.write("teams:package needs the bot's app id: set MICROSOFT_APP_ID or pass --app-id <guid>.\n");
    return 2;
  }
  const manifestDir = fileURLToPath(new URL(".", import.meta.url));
  const built = await buildTeamsPackage({
    manifestDir,
    outDir: values.out ?? fileURLToPath(new URL("./build/", import.meta.url)),
    appId,
    ...(values.domain === undefined ? {} : { domain: values.domain }),
  });
  if (!built.ok) {
    process.stderr.write(`${built.error.code}: ${built.error.message}\n`);
    return 1;
  }
  process.stdout.write(`Wrote ${built.value.zipPath} (${built.value.files.join(", ")}).\n`);
  if (values.domain === undefined) process.stdout.write("No --domain given: validDomains is empty.\n");
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`teams:package failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
