import { describe, expect, it } from "vitest";
import { createTokenPairAuth } from "#adapters/abm-scim/auth.js";
import { renderReplyText } from "#app/render-text.js";
import type { AlertAction } from "#core/chat/alerts/incidents.js";
import { planAlerts } from "#core/chat/alerts/policy.js";
import { renderApprovalMessage } from "#core/chat/approval-message.js";
import { conflictGuidance } from "#core/chat/commands/conflicts.js";
import { runReply } from "#core/chat/commands/operations.js";
import { overlapSteps } from "#core/chat/commands/token.js";
import type { CommandContext } from "#core/chat/context.js";
import { leaversNote } from "#core/chat/leavers.js";
import { ZERO_COUNTS } from "#core/ports/provisioning-engine.js";
import { activeExpiry, jwtExpiry, tokenExpiry } from "#core/scim-token.js";
import { heldRemoval, nativeBatch, pendingApproval } from "#test/support/approvals.js";
import { LINKS } from "#test/support/chat/harness.js";

const b64url = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString("base64").replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
const jwt = (claims: unknown): string => `${b64url({ alg: "ES256", typ: "JWT" })}.${b64url(claims)}.c2lnbmF0dXJl`;

describe("the SCIM token's expiry", () => {
  it("reads `exp` from a JWT, and nothing from anything else", () => {
    expect(jwtExpiry(jwt({ exp: 1_900_000_000, sub: "abm" }))?.toISOString()).toBe("2030-03-17T17:46:40.000Z");
    expect(jwtExpiry("abm-emulator-0123456789abcdef")).toBeNull();
    expect(jwtExpiry(jwt({ sub: "no exp" }))).toBeNull();
    expect(jwtExpiry("a.!!!.c")).toBeNull();
    expect(jwtExpiry(`${b64url({})}.bm90IGpzb24.x`)).toBeNull();
  });

  it("the …_EXPIRES variable wins over the token's own exp, and says which source it used", () => {
    const token = jwt({ exp: 1_900_000_000 });
    const configured = new Date("2029-01-01T00:00:00Z");
    expect(tokenExpiry(token, configured)).toEqual({ at: configured, source: "configured" });
    expect(tokenExpiry(token, null)).toEqual({ at: new Date(1_900_000_000_000), source: "jwt" });
    expect(tokenExpiry("opaque", null)).toBeNull();
    const state = {
      active: "next" as const,
      current: { expiry: { at: configured, source: "configured" as const } },
      next: { expiry: null },
      switchedAt: new Date(0),
    };
    expect(activeExpiry(state)).toBeNull();
    expect(activeExpiry({ ...state, active: "current" })?.at).toBe(configured);
  });
});

describe("the token pair (ABM_SCIM_TOKEN, ABM_SCIM_TOKEN_NEXT)", () => {
  it("moves to the next token on the first 401, once; requests refused with the old header are sent again", async () => {
    const switches: Date[] = [];
    const auth = createTokenPairAuth({
      current: "first",
      next: "second",
      now: () => new Date(5_000),
      onSwitch: (at) => switches.push(at),
    });
    expect(await auth.authorization()).toBe("Bearer first");
    expect(auth.refused("Bearer first")).toBe(true);
    expect(await auth.authorization()).toBe("Bearer second");
    // another request that was in flight with the first token: retry, no second switch
    expect(auth.refused("Bearer first")).toBe(true);
    expect(switches).toEqual([new Date(5_000)]);
    expect(auth.state()).toEqual({ active: "next", switchedAt: new Date(5_000) });
    // the next token refused too: nothing left
    expect(auth.refused("Bearer second")).toBe(false);
    expect(auth.refusedHelp()).toMatch(/both SCIM tokens \(ABM_SCIM_TOKEN and ABM_SCIM_TOKEN_NEXT\)/);
    expect(JSON.stringify(auth)).not.toMatch(/first|second/);
  });

  it("a single token is refused for good", () => {
    const auth = createTokenPairAuth({ current: "only", next: null, now: () => new Date() });
    expect(auth.refused("Bearer only")).toBe(false);
    expect(auth.refusedHelp()).toMatch(/set ABM_SCIM_TOKEN to it/);
  });
});

describe("the switch alert", () => {
  const at = new Date("2027-04-01T00:00:00Z");
  const event = { type: "token_switched" as const, at, tokenId: "abc123", expiresAt: new Date("2028-03-01T00:00:00Z") };

  it("is one parent per token, and ends the old token's warnings", () => {
    const expiring = planAlerts({
      incidents: [],
      event: { type: "token_check", at, expiresAt: new Date(at.getTime() + 5 * 86_400_000) },
      links: LINKS,
    });
    const open = expiring.flatMap((a: AlertAction) => (a.type === "note" ? [] : [a.incident]));
    const actions = planAlerts({ incidents: open, event, links: LINKS });
    expect(actions.map((a) => [a.type, a.key])).toEqual([
      ["post_parent", "token:switched:abc123"],
      ["resolve", "token:expiring"],
    ]);
    const parent = actions[0];
    if (parent?.type !== "post_parent") throw new Error("no parent");
    const text = renderReplyText(parent.reply);
    expect(text).toContain("ABM SCIM TOKEN SWITCHED");
    expect(text).toContain("ABM_SCIM_TOKEN_NEXT");
    // a second replica (or a second 401) announces nothing more
    expect(planAlerts({ incidents: [parent.incident], event, links: LINKS })).toEqual([]);
  });

  it("the steps of the overlap name the organization", () => {
    expect(overlapSteps("school")[0]).toMatch(/^60 days before .* Apple School Manager → Preferences → Directory Sync/);
    expect(overlapSteps("business")).toHaveLength(4);
  });
});

describe("leavers, said plainly", () => {
  it("ABM keeps a userName 30 days, ASM 120, and neither removes before the hard delete in Entra", () => {
    expect(leaversNote("business", "done")).toMatch(
      /deactivated in Apple Business Manager now.*only after the user is hard-deleted in Entra.*30 days/,
    );
    expect(leaversNote("school", "will")).toMatch(/deactivated in Apple School Manager at once.*120 days/);
  });

  it("a cycle that deactivated users says it in the run's reply, in the organization's words", () => {
    const ctx = (organization: "business" | "school") =>
      ({
        deps: { config: { links: { ...LINKS, organization } } },
        actor: { platform: "cli", id: "op", displayName: "op" },
        conversation: { platform: "cli", channelId: "cli" },
      }) as unknown as CommandContext;
    const run = (deactivated: number) => ({
      id: "run_1",
      kind: "incremental" as const,
      trigger: "cli" as const,
      actor: "op",
      startedAt: new Date(0),
      finishedAt: new Date(1),
      outcome: "succeeded" as const,
      counts: { ...ZERO_COUNTS, deactivated },
      error: null,
    });
    expect(renderReplyText(runReply("Sync", run(3), ctx("school")))).toContain("cannot be used again for 120 days");
    expect(renderReplyText(runReply("Sync", run(3), ctx("business")))).toContain("for 30 days");
    expect(renderReplyText(runReply("Sync", run(0), ctx("business")))).not.toContain("leavers");
  });

  it("a held deactivation batch says it, for ABM and ASM; a delete-only batch does not", () => {
    const batch = (action: "deactivate" | "delete") =>
      pendingApproval(nativeBatch([0, 1, 2].map((i) => heldRemoval(i, { action }))));
    const abm = renderReplyText(renderApprovalMessage(batch("deactivate"), new Date(1_000), LINKS));
    expect(abm).toContain("cannot be used again for 30 days");
    const school = { ...LINKS, organization: "school" as const };
    const asm = renderReplyText(renderApprovalMessage(batch("deactivate"), new Date(1_000), school));
    expect(asm).toContain("cannot be used again for 120 days");
    expect(renderReplyText(renderApprovalMessage(batch("delete"), new Date(1_000), LINKS))).not.toContain(
      "What ABM does with leavers",
    );
  });
});

describe("conflicts guidance", () => {
  it("says what a 409 means, what to do in ABM, and gives a message for the user", () => {
    const guidance = conflictGuidance("business");
    expect(guidance.meaning).toMatch(/personal Apple Account — or another Managed Apple Account/);
    expect(guidance.actions.join("\n")).toMatch(/Download Conflicts.*60 days/s);
    expect(guidance.template).toContain("<address>");
  });
});
