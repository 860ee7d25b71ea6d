import { describe, expect, it } from "vitest";
import type { HeldRemoval } from "#core/approvals/approval.js";
import type { ConnectionSettings } from "#core/engine/engine-store.js";
import { type CyclePlan, type PlanOptions, planCycle, plannedCounts } from "#core/engine/plan-cycle.js";
import type { NativeBatch, OpenBatch, Snapshot } from "#core/engine/read-changes.js";
import type { RemovalReason } from "#core/ports/directory-source.js";
import type { DeactivationCause } from "#core/sync/operations.js";
import { planSync } from "#core/sync/planner.js";
import type { SourceUser } from "#core/users.js";
import { entraUser, prepared, World } from "../sync/support/world.js";

const NOW = new Date("2026-06-01T12:00:00Z");
const HOUR = 60 * 60 * 1000;
const IDS = ["u1", "u2", "u3", "u4", "u5"];
const SETTINGS: ConnectionSettings = {
  scope: "all",
  paused: false,
  quarantine: null,
  needsFullCycle: false,
  rejectedRemovals: [],
};

/** ABM after a first full cycle created and linked u1…u5 */
function synced(): World {
  const world = new World();
  const users = prepared(...IDS.map((id) => entraUser(id)));
  world.apply(planSync({ kind: "full", users, links: [], targetUsers: [] }).ops);
  return world;
}

function snapshot(world: World, over: Partial<Snapshot> = {}): Snapshot {
  return Object.freeze({
    settings: SETTINGS,
    watermark: "delta-2",
    scopeIds: null,
    users: new Map(),
    planned: [],
    removals: new Map(),
    leaving: new Set<string>(),
    gone: new Set<string>(),
    unconfirmed: [],
    links: world.linkList(),
    targetUsers: [],
    failuresBefore: [],
    open: null,
    ...over,
  });
}

/** the cycle's users, as readChanges gives them */
function inScope(...users: SourceUser[]): Pick<Snapshot, "users" | "planned"> {
  return { users: new Map(users.map((u) => [u.id, u] as const)), planned: prepared(...users) };
}

const removed = (...ids: string[]): ReadonlyMap<string, RemovalReason> =>
  new Map(ids.map((id) => [id, "soft_deleted"] as const));

/** what an earlier cycle held for `id` */
function heldFor(world: World, id: string, cause: DeactivationCause): HeldRemoval {
  const link = world.links.get(id);
  if (link === undefined) throw new Error(`no link for ${id}`);
  return {
    entraId: id,
    scimId: link.scimId,
    userName: link.userName,
    action: "deactivate",
    reason: `held earlier (${cause})`,
    dedupKey: `${id}:deactivate:${link.attributeHash}`,
    hash: link.attributeHash,
    cause,
  };
}

function openBatch(removals: HeldRemoval[], expiresAt: Date): OpenBatch {
  const batch: NativeBatch = {
    kind: "native_batch",
    runId: "run-0",
    cycle: "incremental",
    scope: "all",
    threshold: 1,
    removals,
  };
  return {
    batch,
    approval: {
      id: "apr-0",
      status: "pending",
      payload: batch,
      requiredApprovals: 1,
      votes: [],
      requestedBy: "system",
      requestedAt: new Date(expiresAt.getTime() - 24 * HOUR),
      expiresAt,
      decidedAt: null,
      result: null,
      messages: [],
    },
  };
}

const options = (over: Partial<PlanOptions> = {}): PlanOptions => ({
  policy: { hardDeleteAction: "deactivate" },
  threshold: 2,
  cycle: "incremental",
  now: NOW,
  dryRun: false,
  ...over,
});

const ids = (items: readonly { readonly entraId: string }[]): string[] => items.map((i) => i.entraId).sort();
const removalsOf = (plan: CyclePlan): string[] =>
  ids(plan.apply.filter((op) => op.action === "deactivate" || op.action === "delete"));

describe("planCycle: the deletion threshold over the whole cycle", () => {
  it("holds every removal of the cycle when there are more than the threshold, applies the rest", () => {
    const world = synced();
    const changed = entraUser("u5", { department: "Moved" });
    const plan = planCycle(snapshot(world, { ...inScope(changed), removals: removed("u1", "u2", "u3") }), options());
    expect(ids(plan.held)).toEqual(["u1", "u2", "u3"]);
    expect(plan.apply.map((op) => `${op.action}:${op.entraId}`)).toEqual(["update:u5"]);
    expect(plan.hold).toMatchObject({ kind: "native_batch", cycle: "incremental", scope: "all", threshold: 2 });
    expect(ids(plan.hold?.removals ?? [])).toEqual(["u1", "u2", "u3"]);
    expect(plan.hold?.removals[0]).toMatchObject({ action: "deactivate", cause: "soft_deleted" });
    expect(plan.open).toBeNull();
    expect(plannedCounts(plan)).toMatchObject({ updated: 1, held: 3, deactivated: 0 });
  });

  it("applies removals up to the threshold and holds nothing", () => {
    const plan = planCycle(snapshot(synced(), { removals: removed("u1", "u2") }), options());
    expect(removalsOf(plan)).toEqual(["u1", "u2"]);
    expect(plan.held).toEqual([]);
    expect(plan.hold).toBeNull();
  });
});

describe("planCycle: reconciling the open approval", () => {
  it("keeps an open approval: its removals are not planned, held or counted again", () => {
    const world = synced();
    const open = openBatch(
      [heldFor(world, "u1", "soft_deleted"), heldFor(world, "u2", "soft_deleted")],
      new Date(NOW.getTime() + HOUR),
    );
    const plan = planCycle(snapshot(world, { removals: removed("u1", "u2", "u3"), open }), options());
    expect(ids(plan.ops)).toEqual(["u3"]);
    expect(removalsOf(plan)).toEqual(["u3"]);
    expect(plan.held).toEqual([]);
    expect(plan.open).toEqual({ approval: open.approval, fate: "keep" });
    expect(plan.hold).toBeNull();
  });

  it("a new breach withdraws the open approval and holds the union", () => {
    const world = synced();
    const open = openBatch([heldFor(world, "u1", "soft_deleted")], new Date(NOW.getTime() + HOUR));
    const plan = planCycle(snapshot(world, { removals: removed("u2", "u3", "u4"), open }), options());
    expect(plan.open?.fate).toBe("withdraw");
    expect(ids(plan.held)).toEqual(["u2", "u3", "u4"]);
    expect(ids(plan.hold?.removals ?? [])).toEqual(["u1", "u2", "u3", "u4"]);
  });

  it("replaces an expired approval (closed as expired) by a fresh one holding the union", () => {
    const world = synced();
    const earlier = heldFor(world, "u1", "soft_deleted");
    const open = openBatch([earlier], NOW);
    const plan = planCycle(snapshot(world, { removals: removed("u2", "u3", "u4"), open }), options());
    expect(plan.open?.fate).toBe("expire");
    expect(plan.hold?.removals[0]).toEqual(earlier);
    expect(ids(plan.hold?.removals ?? [])).toEqual(["u1", "u2", "u3", "u4"]);
    // only this cycle's removals count as held by this run
    expect(ids(plan.held)).toEqual(["u2", "u3", "u4"]);
  });

  it("asks again for an expired batch even when the cycle holds nothing new", () => {
    const world = synced();
    const open = openBatch([heldFor(world, "u1", "soft_deleted")], new Date(NOW.getTime() - 1));
    const plan = planCycle(snapshot(world, { open }), options());
    expect(plan.open?.fate).toBe("expire");
    expect(plan.held).toEqual([]);
    expect(ids(plan.hold?.removals ?? [])).toEqual(["u1"]);
  });

  it("a user back in scope withdraws the open approval; the fresh one holds the others, without them", () => {
    const world = synced();
    const open = openBatch(
      [heldFor(world, "u1", "out_of_scope"), heldFor(world, "u2", "out_of_scope")],
      new Date(NOW.getTime() + HOUR),
    );
    const plan = planCycle(
      snapshot(world, {
        settings: { ...SETTINGS, scope: "assigned" },
        scopeIds: new Set(["u1", "u3", "u4", "u5"]),
        ...inScope(entraUser("u1")),
        leaving: new Set(["u2"]),
        open,
      }),
      options(),
    );
    expect(plan.open?.fate).toBe("withdraw");
    expect(ids(plan.hold?.removals ?? [])).toEqual(["u2"]);
    // u2 stays held (not planned again), u1 needs nothing
    expect(plan.ops).toEqual([]);
    expect(plan.held).toEqual([]);
  });

  it("withdraws the open approval without a new one when every user is back (enabled again)", () => {
    const world = synced();
    const open = openBatch([heldFor(world, "u1", "disabled")], new Date(NOW.getTime() + HOUR));
    const plan = planCycle(snapshot(world, { ...inScope(entraUser("u1")), open }), options());
    expect(plan.open?.fate).toBe("withdraw");
    expect(plan.hold).toBeNull();
  });

  it("keeps a held removal whose user is still disabled", () => {
    const world = synced();
    const open = openBatch([heldFor(world, "u1", "disabled")], new Date(NOW.getTime() + HOUR));
    const disabled = entraUser("u1", { accountEnabled: false });
    const plan = planCycle(snapshot(world, { ...inScope(disabled), open }), options());
    expect(plan.open?.fate).toBe("keep");
    expect(plan.ops).toEqual([]);
  });
});

describe("planCycle: rejected removals, dry runs, the escrow", () => {
  it("leaves removals an approver rejected out of the plan (not applied, not held)", () => {
    const world = synced();
    const settings = { ...SETTINGS, rejectedRemovals: ["u1"] };
    const plan = planCycle(snapshot(world, { settings, removals: removed("u1", "u2") }), options({ threshold: 0 }));
    expect(ids(plan.ops)).toEqual(["u2"]);
    expect(ids(plan.held)).toEqual(["u2"]);
    expect(ids(plan.hold?.removals ?? [])).toEqual(["u2"]);
  });

  it("a dry run plans and counts the held removals but holds nothing and leaves the open approval alone", () => {
    const world = synced();
    const open = openBatch([heldFor(world, "u5", "soft_deleted")], NOW);
    const plan = planCycle(snapshot(world, { removals: removed("u1", "u2", "u3"), open }), options({ dryRun: true }));
    expect(ids(plan.held)).toEqual(["u1", "u2", "u3"]);
    expect(removalsOf(plan)).toEqual([]);
    expect(plan.hold).toBeNull();
    expect(plan.open?.fate).toBe("keep");
    expect(plannedCounts(plan)).toMatchObject({ held: 3, deactivated: 0 });
  });

  it("an escrowed user without a link that is removed in Entra, with nothing in ABM, leaves the escrow", () => {
    const world = synced();
    const plan = planCycle(snapshot(world, { removals: removed("u9"), unconfirmed: ["u9"] }), options());
    expect(plan.ops).toEqual([]);
    expect(plan.departed).toEqual(["u9"]);
  });

  it("is pure: the same snapshot gives the same plan", () => {
    const world = synced();
    const input = snapshot(world, { removals: removed("u1", "u2", "u3") });
    expect(planCycle(input, options())).toEqual(planCycle(input, options()));
  });
});
