import { describe, expect, it } from "vitest";
import type { ConnectionSettings } from "#core/engine/engine-store.js";
import { type HeldUsersView, settleRemovals } from "#core/engine/plan-cycle.js";
import { isRemoval, type RemovalOp, type SyncOp } from "#core/sync/operations.js";
import { planSync } from "#core/sync/planner.js";
import { exceedsThreshold } from "#core/sync/threshold.js";
import { entraUser, prepared, World } from "./support/world.js";

const SETTINGS: ConnectionSettings = {
  scope: "all",
  paused: false,
  quarantine: null,
  needsFullCycle: false,
  rejectedRemovals: [],
};
const NOBODY: HeldUsersView = { removed: () => false, enabled: () => undefined, inScope: () => true };

/** the threshold over a cycle's removals, as both kinds of cycle settle them */
function splitByThreshold(ops: readonly SyncOp[], threshold: number) {
  const removals: RemovalOp[] = ops.filter(isRemoval);
  const settled = settleRemovals(removals, { settings: SETTINGS, open: null }, NOBODY, {
    policy: { hardDeleteAction: "deactivate" },
    threshold,
    cycle: "incremental",
    now: new Date("2026-06-01T12:00:00Z"),
    dryRun: false,
  });
  const held = new Set<SyncOp>(settled.held);
  return {
    exceeded: settled.held.length > 0,
    removals: removals.length,
    held: settled.held,
    apply: ops.filter((op) => !held.has(op)),
    hold: settled.hold,
  };
}

/** a plan with `removals` deactivations, one create and one skip */
function planWith(removals: number): readonly SyncOp[] {
  const world = new World();
  const ids = Array.from({ length: removals }, (_, i) => `r${i}`);
  world.apply(
    planSync({ kind: "full", users: prepared(...ids.map((id) => entraUser(id))), links: [], targetUsers: [] }).ops,
  );
  const plan = planSync({
    kind: "incremental",
    users: prepared(entraUser("new"), entraUser("bad", { givenName: null })),
    outOfScope: ids,
    links: world.linkList(),
  });
  expect(plan.counts).toMatchObject({ create: 1, skip: 1, deactivate: removals });
  return plan.ops;
}

describe("settleRemovals: the threshold (hold when removals > threshold)", () => {
  it("applies everything when removals equal the threshold", () => {
    const ops = planWith(3);
    const split = splitByThreshold(ops, 3);
    expect(split).toMatchObject({ exceeded: false, removals: 3, held: [], hold: null });
    expect(split.apply).toEqual(ops);
  });

  it("holds every removal (not only the excess) and applies the rest when over the threshold", () => {
    const ops = planWith(4);
    const split = splitByThreshold(ops, 3);
    expect(split.exceeded).toBe(true);
    expect(split.held.map((op) => op.action)).toEqual(["deactivate", "deactivate", "deactivate", "deactivate"]);
    expect(split.apply.map((op) => op.action).sort()).toEqual(["create", "skip"]);
    // the approval stores what it needs to run them later, not the operations
    expect(split.hold?.removals[0]).toEqual({
      entraId: "r0",
      scimId: expect.any(String),
      userName: "r0@example.com",
      action: "deactivate",
      reason: "the user left the sync scope",
      dedupKey: expect.stringMatching(/^r0:deactivate:/),
      hash: expect.any(String),
      cause: "out_of_scope",
    });
  });

  it("counts deletions together with deactivations", () => {
    const world = new World();
    world.apply(
      planSync({ kind: "full", users: prepared(entraUser("a"), entraUser("b")), links: [], targetUsers: [] }).ops,
    );
    const plan = planSync({
      kind: "incremental",
      users: [],
      removals: [
        { entraId: "a", reason: "hard_deleted" },
        { entraId: "b", reason: "soft_deleted" },
      ],
      links: world.linkList(),
      policy: { hardDeleteAction: "delete" },
    });
    const split = splitByThreshold(plan.ops, 1);
    expect(split.held.map((op) => op.action)).toEqual(["delete", "deactivate"]);
    expect(split.apply).toEqual([]);
  });

  it("threshold 0 holds any removal but lets a plan without removals through", () => {
    expect(splitByThreshold(planWith(1), 0).exceeded).toBe(true);
    expect(splitByThreshold(planWith(0), 0)).toMatchObject({ exceeded: false, removals: 0 });
    expect(splitByThreshold(planWith(1), 1)).toMatchObject({ exceeded: false, removals: 1 });
  });

  it("rejects a negative or fractional threshold", () => {
    expect(() => exceedsThreshold(1, -1)).toThrow(RangeError);
    expect(() => exceedsThreshold(1, 1.5)).toThrow(RangeError);
    expect(exceedsThreshold(501, 500)).toBe(true);
    expect(exceedsThreshold(500, 500)).toBe(false);
  });
});
