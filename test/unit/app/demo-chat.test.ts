import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEMO_DELETION_THRESHOLD, demoChatConfig, PLAYGROUND_USER } from "#app/demo-chat.js";
import type { Config } from "#config/config.js";
import { loadConfig } from "#config/load-config.js";
import { FULL_ENV } from "#test/support/config/env-fixtures.js";

function config(env: Record<string, string>): Config {
  const loaded = loadConfig(env);
  if (!loaded.ok) throw loaded.error;
  return loaded.value;
}

describe("the demo's chat", () => {
  it("the playground's current user is the one the demo makes operator and approver", () => {
    const yml = readFileSync(
      new URL("../../../manifest/teams/playground/.m365agentsplayground.yml", import.meta.url),
      "utf8",
    );
    const current = /currentUser:\n(?:\s{2}.*\n)*?\s{2}aadObjectId: (\S+)/.exec(yml)?.[1];
    expect(current).toBe(PLAYGROUND_USER.entraObjectId);
    expect(yml).toContain(`name: ${PLAYGROUND_USER.name}`);
  });

  it("turns anonymous Teams on for loopback, makes the playground user operator and approver, lowers the threshold", () => {
    const { config: demo, playground } = demoChatConfig(config({ ABM_OPERATORS: "ann@example.com" }));
    expect(playground).toBe(true);
    expect(demo.teams).toMatchObject({ enabled: true, anonymous: true, appId: null });
    expect(demo.connections[0].roles.operators).toEqual([
      { kind: "email", value: "ann@example.com" },
      { kind: "entraObjectId", value: PLAYGROUND_USER.entraObjectId },
    ]);
    expect(demo.connections[0].roles.approvers).toEqual([
      { kind: "entraObjectId", value: PLAYGROUND_USER.entraObjectId },
    ]);
    expect(demo.connections[0].sync.deletionThreshold).toBe(DEMO_DELETION_THRESHOLD);
    expect(demo.connections[0].sync.intervalMs).toBe(30_000);
  });

  it("leaves Teams and the roles alone beyond loopback or with a registered bot", () => {
    for (const env of [{ HOST: "0.0.0.0" }, FULL_ENV]) {
      const base = config(env);
      const { config: demo, playground } = demoChatConfig(base);
      expect(playground).toBe(false);
      expect(demo.teams).toEqual(base.teams);
      expect(demo.connections[0].roles).toEqual(base.connections[0].roles);
    }
  });
});
