import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_VARIABLES } from "#config/env-schema.js";
import { loadConfig } from "#config/load-config.js";

const text = readFileSync(new URL("../../../.env.example", import.meta.url), "utf8");
const lines = text.split("\n");

function assignments(source: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of source) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (match?.[1] !== undefined) env[match[1]] = match[2] ?? "";
  }
  return env;
}

describe(".env.example", () => {
  it("documents every variable, each with a default and an example", () => {
    const declared = Object.keys(assignments(lines));
    expect([...declared].sort()).toEqual([...CONFIG_VARIABLES].sort());
    for (const name of CONFIG_VARIABLES) {
      const at = lines.indexOf(`${name}=`);
      const comments = lines.slice(Math.max(0, at - 6), at).join("\n");
      expect(comments, name).toMatch(new RegExp(`# Example: ${name}=\\S`));
      expect(comments, name).toMatch(/Default|Required|required/);
    }
  });

  it("copied as is, it is a valid (demo) configuration", () => {
    const result = loadConfig(assignments(lines));
    expect(result.ok && result.value.demo).toBe(true);
  });

  it("all examples together form a valid configuration", () => {
    const examples = assignments(lines.filter((line) => line.startsWith("# Example: ")).map((line) => line.slice(11)));
    expect(Object.keys(examples).sort()).toEqual([...CONFIG_VARIABLES].sort());
    const result = loadConfig(examples);
    if (!result.ok) throw result.error;
    expect(result.value.demo).toBe(false);
  });
});
