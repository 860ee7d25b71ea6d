import { describe, expect, it } from "vitest";
import { DEFAULT_ATTRIBUTE_MAP } from "#core/sync/attribute-map.js";
import { mapUser } from "#core/sync/mapping.js";
import type { SyncOp } from "#core/sync/operations.js";
import { planSync } from "#core/sync/planner.js";
import type { SourceUser } from "#core/users.js";
import { entraUser, prepared, World } from "./support/world.js";

const mutating = (ops: readonly SyncOp[]) => ops.filter((op) => op.action !== "skip");

/** 300 users of every kind, plus ABM users that exist before the first cycle. */
function scenario(): { world: World; users: SourceUser[] } {
  const world = new World();
  const users: SourceUser[] = [];
  for (let i = 0; i < 300; i += 1) {
    const id = `u${String(i).padStart(3, "0")}`;
    const kind = i % 10;
    if (kind === 0)
      users.push(entraUser(id, { surname: null })); // invalid
    else if (kind === 1)
      users.push(entraUser(id, { accountEnabled: false })); // disabled
    else users.push(entraUser(id));
    const target = mapUser(entraUser(id), DEFAULT_ATTRIBUTE_MAP);
    if (kind === 2) world.addAbmUser({ ...target, department: "Before" }); // adopt by externalId
    if (kind === 3) world.addAbmUser({ ...target, externalId: null, userName: target.userName.toUpperCase() }); // by userName
    if (kind === 4 && i % 20 === 4) world.addAbmUser(target); // disabled-in-ABM twin is fine too
  }
  world.addAbmUser(mapUser(entraUser("not-ours"), DEFAULT_ATTRIBUTE_MAP));
  return { world, users };
}

describe("planner convergence", () => {
  it("reaches a fixed point: re-planning after applying a plan changes nothing", () => {
    const { world, users } = scenario();
    const first = planSync({ kind: "full", users: prepared(...users), links: [], targetUsers: world.targetUsers() });
    expect(first.counts.skip).toBe(30);
    expect(first.counts.adopt).toBeGreaterThanOrEqual(60);
    world.apply(first.ops);

    const again = planSync({
      kind: "full",
      users: prepared(...users),
      links: world.linkList(),
      targetUsers: world.targetUsers(),
    });
    expect(mutating(again.ops)).toEqual([]);
    expect(again.ops.map((op) => op.dedupKey)).toEqual(
      first.ops.filter((op) => op.action === "skip").map((op) => op.dedupKey),
    );
    const quiet = planSync({ kind: "incremental", users: prepared(...users), links: world.linkList() });
    expect(mutating(quiet.ops)).toEqual([]);

    // one ABM user per userName, none created twice, the foreign user untouched
    const names = world.targetUsers().map((u) => u.userName.toLowerCase());
    expect(new Set(names).size).toBe(names.length);
    expect(world.targetUsers().find((u) => u.externalId === "not-ours")?.active).toBe(true);
  });

  it("converges after a round of changes applied by an incremental cycle", () => {
    const { world, users } = scenario();
    world.apply(planSync({ kind: "full", users: prepared(...users), links: [], targetUsers: world.targetUsers() }).ops);
    const changed = users
      .slice(0, 50)
      .map((u, i) =>
        i % 2 === 0 ? entraUser(u.id, { department: "Changed" }) : entraUser(u.id, { accountEnabled: i % 3 === 0 }),
      );
    const removals = users.slice(50, 60).map((u) => ({ entraId: u.id, reason: "soft_deleted" as const }));
    const step = planSync({ kind: "incremental", users: prepared(...changed), removals, links: world.linkList() });
    world.apply(step.ops);
    expect(
      mutating(planSync({ kind: "incremental", users: prepared(...changed), removals, links: world.linkList() }).ops),
    ).toEqual([]);

    const current = [...changed, ...users.slice(60)];
    const check = planSync({
      kind: "full",
      users: prepared(...current),
      links: world.linkList(),
      targetUsers: world.targetUsers(),
    });
    expect(mutating(check.ops)).toEqual([]);
  });
});
