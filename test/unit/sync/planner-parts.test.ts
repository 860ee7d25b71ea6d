import { describe, expect, it } from "vitest";
import { DEFAULT_ATTRIBUTE_MAP } from "#core/sync/attribute-map.js";
import { mapUser } from "#core/sync/mapping.js";
import type { SyncOp } from "#core/sync/operations.js";
import { indexTargets } from "#core/sync/plan-index.js";
import {
  type PlanInput,
  type PlannedUser,
  type PlanPart,
  planSync,
  type Removal,
  type SourceStatus,
} from "#core/sync/planner.js";
import type { SourceUser } from "#core/users.js";
import { entraUser, prepared, World } from "./support/world.js";

/**
 * A full cycle planned in parts (slices of the source, then the removals, then the deferred claims
 * and the escrow) decides exactly what one whole-cycle call decides, whatever the slice size and
 * wherever a slice boundary falls. The protocol below is the engine's (full-cycle.ts): users read
 * so far are "planned" unless their claim was deferred, an ABM user an earlier part acted on is
 * "used", and the end knows everybody.
 */
interface Cycle {
  readonly users: readonly PlannedUser[];
  readonly removals?: readonly Removal[];
  readonly unconfirmed?: readonly string[];
}

function whole(world: World, cycle: Cycle): SyncOp[] {
  return [
    ...planSync({
      kind: "full",
      users: cycle.users,
      links: world.linkList(),
      targetUsers: world.targetUsers(),
      removals: cycle.removals ?? [],
      unconfirmed: cycle.unconfirmed ?? [],
    }).ops,
  ];
}

function inParts(world: World, cycle: Cycle, size: number): { ops: SyncOp[]; deferred: string[] } {
  const seen = new Set<string>();
  const deferred = new Map<string, PlannedUser>();
  const used = new Set<string>();
  const ops: SyncOp[] = [];
  const everDeferred: string[] = [];
  const targets = indexTargets(world.targetUsers());
  const part = (kind: PlanPart["kind"]): PlanPart => ({
    kind,
    isUsed: (scimId) => used.has(scimId),
    statusOf: (id): SourceStatus => {
      if (seen.has(id) && !(kind === "slice" && deferred.has(id))) return "planned";
      return kind === "slice" ? "unknown" : "absent";
    },
  });
  const run = (kind: PlanPart["kind"], input: Pick<PlanInput, "users" | "links" | "unconfirmed">): void => {
    const plan = planSync({ kind: "full", targets, removals: cycle.removals ?? [], ...input, part: part(kind) });
    for (const op of plan.ops) {
      ops.push(op);
      if ("scimId" in op) used.add(op.scimId);
    }
    for (const user of plan.deferred) {
      deferred.set(user.entraId, user);
      everDeferred.push(user.entraId);
    }
    if (kind === "end") expect(plan.deferred).toEqual([]);
  };
  for (let i = 0; i < cycle.users.length; i += size) {
    const slice = cycle.users.slice(i, i + size);
    for (const user of slice) seen.add(user.entraId);
    run("slice", { users: slice, links: world.linkList() });
  }
  run("removals", { users: [], links: world.linkList().filter((l) => !seen.has(l.entraId)) });
  const unconfirmed = (cycle.unconfirmed ?? []).filter((id) => !seen.has(id));
  run("end", { users: [...deferred.values()], links: world.linkList(), unconfirmed });
  return { ops, deferred: everDeferred };
}

const key = (op: SyncOp): string => `${op.entraId}:${op.action}`;
const sorted = (ops: readonly SyncOp[]): SyncOp[] => [...ops].sort((a, b) => key(a).localeCompare(key(b)));
const summary = (ops: readonly SyncOp[]): string[] => sorted(ops).map(key);

/** every slice size from 1 to the whole cycle gives the whole cycle's operations, identical */
function expectSameAsWhole(world: World, cycle: Cycle): SyncOp[] {
  const expected = sorted(whole(world, cycle));
  for (let size = 1; size <= Math.max(1, cycle.users.length); size += 1) {
    expect(sorted(inParts(world, cycle, size).ops), `slice size ${size}`).toEqual(expected);
  }
  return expected;
}

const target = (user: SourceUser) => mapUser(user, DEFAULT_ATTRIBUTE_MAP);

/** a world where `ids` were created and linked by a first full cycle */
function synced(...ids: string[]): World {
  const world = new World();
  world.apply(whole(world, { users: prepared(...ids.map((id) => entraUser(id))) }));
  return world;
}

describe("a full cycle in slices: the same decisions as one whole-cycle plan", () => {
  it("a userName freed by a rename in one slice is not taken by a new user in another (both orders)", () => {
    const world = synced("l");
    const renamed = entraUser("l", { userPrincipalName: "l.new@example.com" });
    const newcomer = entraUser("a", { userPrincipalName: "l@example.com" });
    for (const users of [prepared(renamed, newcomer), prepared(newcomer, renamed)]) {
      const ops = expectSameAsWhole(world, { users });
      expect(summary(ops)).toEqual(["a:skip", "l:update"]);
      const skip = ops.find((op) => op.entraId === "a");
      expect(skip?.action === "skip" && skip.problems[0]?.code).toBe("sync.user_name_taken");
    }
    // the rename happens; the next cycle creates the newcomer
    world.apply(whole(world, { users: prepared(renamed, newcomer) }));
    expect(summary(expectSameAsWhole(world, { users: prepared(newcomer, renamed) }))).toEqual(["a:create"]);
  });

  it("a claim that depends on a user read later is deferred to the end, then decided as a whole plan would", () => {
    const world = new World();
    // b's ABM user, made by someone else: b claims it by externalId; c maps to its userName
    world.addAbmUser({ ...target(entraUser("b")), userName: "c@example.com", department: "Old" });
    const users = prepared(entraUser("c"), entraUser("b"));
    const ops = expectSameAsWhole(world, { users });
    expect(summary(ops)).toEqual(["b:adopt", "c:skip"]);
    expect(inParts(world, { users }, 1).deferred).toEqual(["c"]);
    // read the other way round, b decides first and nothing waits
    expect(inParts(world, { users: [...users].reverse() }, 1).deferred).toEqual([]);
  });

  it("adopts across slices: by userName, by externalId, and an inactive ABM user whose owner left", () => {
    const world = synced("old");
    world.apply(
      planSync({
        kind: "incremental",
        users: [],
        removals: [{ entraId: "old", reason: "hard_deleted" }],
        links: world.linkList(),
      }).ops,
    );
    world.addAbmUser({ ...target(entraUser("byname")), externalId: null, userName: "BYNAME@example.com" });
    world.addAbmUser({ ...target(entraUser("byext")), department: "Old" });
    const users = prepared(
      entraUser("new", { userPrincipalName: "old@example.com" }),
      entraUser("x1"),
      entraUser("byname"),
      entraUser("x2"),
      entraUser("byext"),
    );
    const ops = expectSameAsWhole(world, { users });
    expect(summary(ops)).toEqual(["byext:adopt", "byname:adopt", "new:adopt", "x1:create", "x2:create"]);
    expect(ops.find((op) => op.entraId === "new")).toMatchObject({ replacesEntraId: "old", matchedBy: "userName" });
  });

  it("an active ABM user whose owner left is deactivated at the end, not taken by a new user earlier", () => {
    const world = synced("gone");
    const users = prepared(entraUser("new", { userPrincipalName: "gone@example.com" }), entraUser("x"));
    const ops = expectSameAsWhole(world, { users });
    expect(summary(ops)).toEqual(["gone:deactivate", "new:skip", "x:create"]);
  });

  it("the escrow: an ABM user carrying an unconfirmed user's externalId is deactivated before anyone claims it", () => {
    const world = new World();
    world.addAbmUser({ ...target(entraUser("u")), userName: "d@example.com" });
    const users = prepared(entraUser("d"), entraUser("x"));
    const ops = expectSameAsWhole(world, { users, unconfirmed: ["u"] });
    expect(summary(ops)).toEqual(["d:skip", "u:deactivate", "x:create"]);
  });

  it("removals: disabled users in any slice, linked users removed or missing from the source", () => {
    const world = synced("a", "b", "c", "d", "e");
    const users = prepared(
      entraUser("a", { accountEnabled: false }),
      entraUser("c"),
      entraUser("e", { accountEnabled: false }),
    );
    const ops = expectSameAsWhole(world, { users, removals: [{ entraId: "d", reason: "soft_deleted" }] });
    expect(summary(ops)).toEqual(["a:deactivate", "b:deactivate", "d:deactivate", "e:deactivate"]);
    expect(ops.find((op) => op.entraId === "d")).toMatchObject({ cause: "soft_deleted" });
    expect(ops.find((op) => op.entraId === "b")).toMatchObject({ cause: "missing_from_source" });
  });

  it("300 users of every kind, with ABM users to adopt: the same plan for slice sizes 1 to 300", () => {
    const world = new World();
    const users: SourceUser[] = [];
    for (let i = 0; i < 300; i += 1) {
      const id = `u${String(i).padStart(3, "0")}`;
      const kind = i % 10;
      if (kind === 0) users.push(entraUser(id, { surname: null }));
      else if (kind === 1) users.push(entraUser(id, { accountEnabled: false }));
      else users.push(entraUser(id));
      const mapped = target(entraUser(id));
      if (kind === 2) world.addAbmUser({ ...mapped, department: "Before" });
      if (kind === 3) world.addAbmUser({ ...mapped, externalId: null, userName: mapped.userName.toUpperCase() });
      if (kind === 4) world.addAbmUser({ ...mapped, externalId: `u${String((i + 150) % 300).padStart(3, "0")}` });
      if (kind === 1 && i % 20 === 1) world.addAbmUser(mapped);
    }
    world.addAbmUser(target(entraUser("not-ours")));
    const cycle = { users: prepared(...users) };
    const first = sorted(whole(world, cycle));
    for (const size of [1, 2, 7, 50, 149, 300]) expect(sorted(inParts(world, cycle, size).ops)).toEqual(first);
    world.apply(first);
    // and again once applied (links now), with a quarter of the users gone
    const again = { users: prepared(...users.slice(75)) };
    const second = sorted(whole(world, again));
    expect(second.length).toBeGreaterThan(0);
    for (const size of [1, 13, 225]) expect(sorted(inParts(world, again, size).ops)).toEqual(second);
  });
});
