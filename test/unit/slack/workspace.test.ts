import { describe, expect, it } from "vitest";
import { foreignReason, originOf, type SlackIdentity } from "#adapters/slack/workspace.js";

const WORKSPACE: SlackIdentity = { teamId: "T1", enterpriseId: "E1", orgWide: false, appId: "A1" };
const ORG_WIDE: SlackIdentity = { teamId: "T1", enterpriseId: "E1", orgWide: true, appId: "A1" };

describe("which Slack requests are the bot's own", () => {
  it("reads team, enterprise, app and user from slash commands, clicks and events", () => {
    expect(originOf({ command: "/abm", team_id: "T1", enterprise_id: "E1", api_app_id: "A1", user_id: "U1" })).toEqual({
      kind: "slash_command",
      teamIds: ["T1"],
      enterpriseId: "E1",
      appId: "A1",
      userId: "U1",
    });
    expect(
      originOf({
        type: "block_actions",
        team: { id: "T1" },
        user: { id: "U2", team_id: "T3" },
        enterprise: null,
        api_app_id: "A1",
      }),
    ).toEqual({ kind: "block_actions", teamIds: ["T1", "T3"], enterpriseId: null, appId: "A1", userId: "U2" });
  });

  it("a workspace install accepts its team only; an org-wide install any team of its org", () => {
    const from = (teamIds: string[], enterpriseId: string | null, appId: string | null = "A1") => ({
      kind: "slash_command",
      teamIds,
      enterpriseId,
      appId,
      userId: "U1",
    });
    expect(foreignReason(from(["T1"], "E1"), WORKSPACE)).toBeNull();
    expect(foreignReason(from(["T2"], "E1"), WORKSPACE)).toBe("team T2 is not this workspace");
    expect(foreignReason(from(["T1", "T2"], "E1"), WORKSPACE)).toBe("team T2 is not this workspace");
    expect(foreignReason(from([], "E1"), WORKSPACE)).toBe("the request names no team");
    expect(foreignReason(from(["T1"], "E1", null), WORKSPACE)).toBe("api_app_id (none) is not this app");
    expect(foreignReason(from(["T7"], "E1"), ORG_WIDE)).toBeNull();
    expect(foreignReason(from(["T1"], "E2"), ORG_WIDE)).toBe("enterprise E2 is not this org");
    expect(foreignReason(from(["T1"], null), ORG_WIDE)).toBe("enterprise (none) is not this org");
  });
});
