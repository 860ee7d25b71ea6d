import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignDemoScope, seedAppleDemo } from "#app/emulators.js";
import { type ChatRoundTrip, startChatRoundTrip } from "#test/support/chat-round-trip.js";

/**
 * `reconcile` asked in chat: a signed Slack slash command and a Teams channel message to one running
 * service (emulators, real Slack and anonymous Teams edges), answered with valid Block Kit and a
 * valid Adaptive Card that name the demo's hand-made accounts.
 */
const SYSTEM = { id: "system", platform: "system" } as const;

describe("reconcile through Slack and Teams", () => {
  let chat: ChatRoundTrip;
  let seeded: ReturnType<typeof seedAppleDemo>;

  beforeAll(async () => {
    chat = await startChatRoundTrip({
      emulators: { users: 20, seed: 3, problemRate: 0 },
      prepare: (pair) => {
        const { assignedIds } = assignDemoScope(pair.graph);
        seeded = seedAppleDemo(pair, assignedIds);
      },
    });
    const run = await chat.service.services.connections[0].engine.runCycle({
      kind: "full",
      trigger: "cli",
      actor: SYSTEM,
    });
    if (!run.ok) throw run.error;
  }, 60_000);

  afterAll(async () => {
    await chat?.close();
  });

  it("a signed Slack slash command gets the report as valid Block Kit", async () => {
    const [message] = await chat.slack("reconcile");
    const shown = JSON.stringify(message?.blocks);
    expect(shown).toContain("Administrators the sync skips");
    expect(shown).toContain(seeded.orphan);
    expect(shown).toContain(String(seeded.locked).toLowerCase());
    expect(message?.text).toMatch(/^Entra ↔ ABM: /);
  });

  it("a Teams channel message gets the report as a valid Adaptive Card", async () => {
    const [message] = await chat.teams("reconcile");
    const card = JSON.stringify(message?.card);
    expect(card).toContain("Active in Apple, disabled, deleted or out of scope in Entra");
    expect(card).toContain(String(seeded.admin).toLowerCase());
  });
});
