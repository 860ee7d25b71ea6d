import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";

/**
 * Issue 13 item 14: adapters/teams/README.md records, for each old package botbuilder pulls in,
 * whether our code paths reach it, with the version actually locked; botbuilder stays isolated
 * in one file and none of these packages is imported by our own code.
 */
const root = new URL("../../..", import.meta.url).pathname;
const OLD = ["@azure/msal-node", "axios", "ws", "node-fetch", "openssl-wrapper"] as const;

const lockSchema = z.object({ packages: z.record(z.string(), z.object({ version: z.string().optional() })) });

function lockedUnderBotbuilder(name: string): string {
  const { packages } = lockSchema.parse(JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")));
  const nested = packages[`node_modules/botbuilder/node_modules/${name}`]?.version;
  const version = nested ?? packages[`node_modules/${name}`]?.version;
  if (version === undefined) throw new Error(`${name} is not in package-lock.json`);
  return version;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(root, dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(relative(root, path));
    return name.endsWith(".ts") ? [relative(root, path)] : [];
  });
}

const importOf = (name: string) => new RegExp(`from\\s+["']${name.replace("/", "\\/")}(/[^"']*)?["']`);

describe("botbuilder's old transitive dependencies", () => {
  const readme = readFileSync(join(root, "adapters/teams/README.md"), "utf8");

  it.each(OLD)("the Teams README says whether %s is reachable, with the locked version", (name) => {
    const row = readme.split("\n").find((line) => line.startsWith(`| \`${name}\``));
    expect(row, `a table row for ${name}`).toBeDefined();
    expect(row).toMatch(/^\| `[^`]+`[^|]*\| (\*\*yes|no)/);
    const version = lockedUnderBotbuilder(name);
    expect(readme).toContain(`\`${name}\` ${version}`);
  });

  it("says that npm audit could not reach its endpoint instead of guessing", () => {
    expect(readme).toMatch(/`npm audit` could not be run here/);
  });

  it("keeps botbuilder in one file, and our code imports none of the old packages", () => {
    const files = ["src", "adapters", "db", "emulators"].flatMap(sourceFiles);
    const botbuilder = files.filter((file) => importOf("botbuilder").test(readFileSync(join(root, file), "utf8")));
    expect(botbuilder).toEqual(["adapters/teams/botbuilder-transport.ts"]);
    for (const name of OLD) {
      const users = files.filter((file) => importOf(name).test(readFileSync(join(root, file), "utf8")));
      expect(users, name).toEqual([]);
    }
  });
});
