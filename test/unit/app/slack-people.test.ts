import { describe, expect, it } from "vitest";
import { createSlackPeople } from "#app/slack-people.js";
import { AppError } from "#core/errors.js";
import { silentLogger } from "#core/logger.js";
import type { UserLookup } from "#core/ports/directory-source.js";
import { err, ok } from "#core/result.js";
import { ManualClock } from "#test/support/chat/fakes.js";

describe("resolving a Slack user to one person", () => {
  it("reads the profile e-mail, finds the Entra user by mail then UPN, and caches the answer for 10 minutes", async () => {
    const clock = new ManualClock(new Date("2026-03-01T10:00:00Z"));
    const asked: string[] = [];
    const lookups: UserLookup[] = [];
    let graphDown = true;
    const resolve = createSlackPeople({
      profiles: {
        emailOf: async (id) => {
          asked.push(id);
          return id === "UNOMAIL" ? null : "alice@contoso.com";
        },
      },
      directory: {
        lookupUser: async (lookup) => {
          lookups.push(lookup);
          if (graphDown) return err(new AppError("graph.transient", "down", { retryable: true }));
          return ok(lookup.by === "userPrincipalName" ? { id: "AAD-ALICE", attributes: {} } : null);
        },
      },
      clock,
      logger: silentLogger,
    });
    const alice = { platform: "slack", id: "UALICE" } as const;
    // Graph failing: the actor stays a bare Slack id marked unresolved, and the failure is not cached
    expect(await resolve(alice)).toEqual({ ...alice, identityUnknown: true });
    graphDown = false;
    expect(await resolve(alice)).toEqual({ ...alice, email: "alice@contoso.com", entraObjectId: "aad-alice" });
    expect(lookups.slice(1).map((l) => l.by)).toEqual(["mail", "userPrincipalName"]);
    await resolve(alice);
    expect(asked).toEqual(["UALICE", "UALICE"]);
    clock.advance(11 * 60 * 1000);
    await resolve(alice);
    expect(asked).toHaveLength(3);
    expect(await resolve({ platform: "slack", id: "UNOMAIL" })).toEqual({ platform: "slack", id: "UNOMAIL" });
    const teams = { platform: "teams", id: "29:x", entraObjectId: "aad-x" } as const;
    expect(await resolve(teams)).toBe(teams);
  });
});
