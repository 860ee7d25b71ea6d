import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { IDENTITY_VARIABLES } from "#config/connections-file.js";
import { CONFIG_VARIABLES } from "#config/env-schema.js";
import { loadConfig } from "#config/load-config.js";
import { ok } from "#core/result.js";

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

  it("all examples together form a valid configuration (one organization, or the example file's several)", () => {
    const examples = assignments(lines.filter((line) => line.startsWith("# Example: ")).map((line) => line.slice(11)));
    expect(Object.keys(examples).sort()).toEqual([...CONFIG_VARIABLES].sort());
    const { ABM_CONNECTIONS: file, ...single } = examples;
    const several = Object.fromEntries(
      Object.entries(examples).filter(([name]) => !(IDENTITY_VARIABLES as readonly string[]).includes(name)),
    );
    const secrets = {
      CONTOSO_SCIM_TOKEN: "t1",
      CONTOSO_AZURE_CLIENT_SECRET: "s1",
      ACADEMY_SCIM_TOKEN: "t2",
      ACADEMY_AZURE_CLIENT_SECRET: "s2",
    };
    const fromFile = loadConfig({ ...several, ...secrets }, (path) =>
      ok(readFileSync(new URL(`../../../${path}`, import.meta.url), "utf8")),
    );
    if (!fromFile.ok) throw fromFile.error;
    expect(file).toBe("./config/connections.example.json");
    expect(fromFile.value.connections.map((c) => [c.id, c.organization])).toEqual([
      ["contoso", "business"],
      ["contoso-school", "school"],
    ]);
    // the example's key path stands for the .pem ABM downloads: an EC P-256 key made here
    const pem = generateKeyPairSync("ec", { namedCurve: "prime256v1" })
      .privateKey.export({ type: "pkcs8", format: "pem" })
      .toString();
    const result = loadConfig(single, (path) =>
      path === single.APPLE_API_PRIVATE_KEY ? ok(pem) : ok(readFileSync(path, "utf8")),
    );
    if (!result.ok) throw result.error;
    expect(result.value.connections[0].apple?.clientId).toBe(single.APPLE_API_CLIENT_ID);
    expect(result.value.demo).toBe(false);
  });
});
