import { describe, expect, it } from "vitest";
import { DEFAULT_ATTRIBUTE_MAP } from "#core/sync/attribute-map.js";
import { mapUser } from "#core/sync/mapping.js";
import type { SyncOp } from "#core/sync/operations.js";
import { type PlanInput, planSync } from "#core/sync/planner.js";
import { entraUser, prepared, World } from "./support/world.js";

const full = (world: World, users: PlanInput["users"], extra: Partial<PlanInput> = {}) =>
  planSync({ kind: "full", users, links: world.linkList(), targetUsers: world.targetUsers(), ...extra });
const incremental = (world: World, users: PlanInput["users"], extra: Partial<PlanInput> = {}) =>
  planSync({ kind: "incremental", users, links: world.linkList(), ...extra });
const summary = (ops: readonly SyncOp[]) => ops.map((op) => `${op.action}:${op.entraId}`);
const only = (ops: readonly SyncOp[]): SyncOp => {
  expect(ops).toHaveLength(1);
  const [op] = ops;
  if (op === undefined) throw new Error("no op");
  return op;
};

/** a world where `ids` were created and linked by a first full cycle */
function synced(...ids: string[]): World {
  const world = new World();
  world.apply(full(world, prepared(...ids.map((id) => entraUser(id)))).ops);
  expect(world.links.size).toBe(ids.length);
  return world;
}

describe("planSync: creating and adopting", () => {
  it("creates a new user when nothing in ABM matches (full cycle: target checked)", () => {
    const world = new World();
    const op = only(full(world, prepared(entraUser("u1"))).ops);
    expect(op).toMatchObject({ action: "create", entraId: "u1", userName: "u1@example.com", targetChecked: true });
    if (op.action !== "create") throw new Error();
    expect(op.target).toEqual(mapUser(entraUser("u1"), DEFAULT_ATTRIBUTE_MAP));
  });

  it("marks incremental creates as unchecked so the executor looks ABM up first", () => {
    expect(only(incremental(new World(), prepared(entraUser("u1"))).ops)).toMatchObject({
      action: "create",
      targetChecked: false,
    });
  });

  it("adopts an ABM user with the same externalId, carrying the changed attributes", () => {
    const world = new World();
    const existing = world.addAbmUser({ ...mapUser(entraUser("u1"), DEFAULT_ATTRIBUTE_MAP), department: "Old" });
    const op = only(full(world, prepared(entraUser("u1"))).ops);
    expect(op).toMatchObject({
      action: "adopt",
      scimId: existing.id,
      matchedBy: "externalId",
      changes: { department: "Sales" },
      replacesEntraId: null,
    });
  });

  it("adopts an ABM user whose userName matches case-insensitively", () => {
    const world = new World();
    const existing = world.addAbmUser({
      ...mapUser(entraUser("u1"), DEFAULT_ATTRIBUTE_MAP),
      userName: "U1@EXAMPLE.COM",
      externalId: null,
    });
    const op = only(full(world, prepared(entraUser("u1"))).ops);
    expect(op).toMatchObject({
      action: "adopt",
      scimId: existing.id,
      matchedBy: "userName",
      changes: { userName: "u1@example.com", externalId: "u1" },
    });
    world.apply([op]);
    expect(full(world, prepared(entraUser("u1"))).ops).toEqual([]);
    expect(world.abm.size).toBe(1);
  });

  it("uses looked-up ABM users in incremental cycles too", () => {
    const world = new World();
    const existing = world.addAbmUser(mapUser(entraUser("u1"), DEFAULT_ATTRIBUTE_MAP));
    const op = only(incremental(world, prepared(entraUser("u1")), { targetUsers: [existing] }).ops);
    expect(op).toMatchObject({ action: "adopt", matchedBy: "externalId", changes: {} });
  });

  it("prefers the externalId match over another ABM user's userName match", () => {
    const world = new World();
    const byUserName = world.addAbmUser({
      ...mapUser(entraUser("x"), DEFAULT_ATTRIBUTE_MAP),
      userName: "u1@example.com",
    });
    const byExternalId = world.addAbmUser({
      ...mapUser(entraUser("u1"), DEFAULT_ATTRIBUTE_MAP),
      userName: "old@example.com",
    });
    const op = only(full(world, prepared(entraUser("u1"))).ops);
    expect(op).toMatchObject({ action: "adopt", scimId: byExternalId.id, matchedBy: "externalId" });
    expect(op.action === "adopt" && op.scimId).not.toBe(byUserName.id);
  });

  it("never creates or links when the matching ABM user belongs to another active Entra user", () => {
    const world = synced("a");
    // b now maps to a's userName (e.g. a was renamed in Entra but a's update failed)
    const users = [...prepared(entraUser("a")), ...prepared(entraUser("b", { userPrincipalName: "a@example.com" }))];
    const plan = full(world, users.slice(1));
    // a is missing from this read: a is deactivated, b must not grab a's ABM user in the same cycle
    expect(summary(plan.ops)).toEqual(["deactivate:a", "skip:b"]);
    const skip = plan.ops[1];
    expect(skip?.action === "skip" && skip.problems[0]?.code).toBe("sync.user_name_taken");
    const withA = full(world, users);
    expect(summary(withA.ops)).toEqual(["skip:b"]);
  });

  it("takes over an inactive ABM user whose Entra owner is gone (re-created user, same UPN)", () => {
    const world = synced("old");
    world.apply(incremental(world, [], { removals: [{ entraId: "old", reason: "hard_deleted" }] }).ops);
    const scimId = world.links.get("old")?.scimId;
    const op = only(full(world, prepared(entraUser("new", { userPrincipalName: "old@example.com" }))).ops);
    expect(op).toMatchObject({ action: "adopt", scimId, matchedBy: "userName", replacesEntraId: "old" });
    expect(op.action === "adopt" && op.changes).toMatchObject({ active: true, externalId: "new" });
    world.apply([op]);
    expect([...world.links.keys()]).toEqual(["new"]);
    expect(full(world, prepared(entraUser("new", { userPrincipalName: "old@example.com" }))).ops).toEqual([]);
  });

  it("does not adopt an ABM user that a delete in the same cycle acts on", () => {
    const world = synced("old");
    world.apply(incremental(world, [], { removals: [{ entraId: "old", reason: "soft_deleted" }] }).ops);
    const plan = full(world, prepared(entraUser("new", { userPrincipalName: "old@example.com" })), {
      removals: [{ entraId: "old", reason: "hard_deleted" }],
      policy: { hardDeleteAction: "delete" },
    });
    expect(summary(plan.ops)).toEqual(["delete:old", "skip:new"]);
    world.apply(plan.ops);
    expect(
      full(world, prepared(entraUser("new", { userPrincipalName: "old@example.com" }))).ops.map((op) => op.action),
    ).toEqual(["create"]);
  });

  it("takes over through the link table in incremental cycles", () => {
    const world = synced("old");
    world.apply(incremental(world, [], { removals: [{ entraId: "old", reason: "soft_deleted" }] }).ops);
    const op = only(incremental(world, prepared(entraUser("new", { userPrincipalName: "OLD@example.com" }))).ops);
    expect(op).toMatchObject({ action: "adopt", matchedBy: "userName", replacesEntraId: "old" });
  });

  it("re-creates a user whose linked ABM user was deleted in ABM", () => {
    const world = synced("u1");
    world.abm.clear();
    const op = only(full(world, prepared(entraUser("u1"))).ops);
    expect(op).toMatchObject({ action: "create", targetChecked: true });
  });
});

describe("planSync: updates", () => {
  it("produces nothing for unchanged users, full or incremental", () => {
    const world = synced("u1", "u2");
    expect(full(world, prepared(entraUser("u1"), entraUser("u2"))).ops).toEqual([]);
    expect(incremental(world, prepared(entraUser("u1"))).ops).toEqual([]);
  });

  it("updates only the changed field (incremental, against the last pushed state)", () => {
    const world = synced("u1");
    const op = only(incremental(world, prepared(entraUser("u1", { department: "Ops" }))).ops);
    expect(op).toMatchObject({ action: "update", changes: { department: "Ops" }, changedFields: ["department"] });
    expect(op.reason).toContain("department");
  });

  it("updates only the changed field (full, against ABM), correcting drift made in ABM", () => {
    const world = synced("u1");
    const link = world.links.get("u1");
    if (link === undefined) throw new Error();
    const current = world.abm.get(link.scimId);
    if (current === undefined) throw new Error();
    world.abm.set(link.scimId, { ...current, givenName: "Edited in ABM" });
    const op = only(full(world, prepared(entraUser("u1"))).ops);
    expect(op).toMatchObject({ action: "update", changes: { givenName: "Given u1" } });
  });

  it("sends every field when the link has no stored state", () => {
    const world = synced("u1");
    const link = world.links.get("u1");
    if (link === undefined) throw new Error();
    world.links.set("u1", { ...link, lastPushed: null });
    const op = only(incremental(world, prepared(entraUser("u1", { department: "Ops" }))).ops);
    expect(op.action === "update" && op.changedFields.length).toBe(11);
  });

  it("skips a changed user that became invalid instead of sending it", () => {
    const world = synced("u1");
    const op = only(incremental(world, prepared(entraUser("u1", { surname: null }))).ops);
    expect(op).toMatchObject({ action: "skip" });
    expect(op.action === "skip" && op.problems.map((p) => p.code)).toEqual(["validation.missing_family_name"]);
  });

  it("re-enables a deactivated user with active and the attributes that changed meanwhile", () => {
    const world = synced("u1");
    world.apply(incremental(world, prepared(entraUser("u1", { accountEnabled: false, department: "Gone" }))).ops);
    const op = only(incremental(world, prepared(entraUser("u1", { department: "Ops" }))).ops);
    expect(op).toMatchObject({ action: "update", changes: { active: true, department: "Ops" } });
    expect(op.reason).toContain("re-enabled");
  });
});

describe("planSync: removals", () => {
  it("deactivates a disabled user once", () => {
    const world = synced("u1");
    const disabled = prepared(entraUser("u1", { accountEnabled: false }));
    const op = only(incremental(world, disabled).ops);
    expect(op).toMatchObject({ action: "deactivate", cause: "disabled", userName: "u1@example.com" });
    world.apply([op]);
    expect(incremental(world, disabled).ops).toEqual([]);
    expect(full(world, disabled).ops).toEqual([]);
  });

  it("deactivates a disabled user even when its attributes are invalid", () => {
    const world = synced("u1");
    const op = only(incremental(world, prepared(entraUser("u1", { accountEnabled: false, surname: null }))).ops);
    expect(op.action).toBe("deactivate");
  });

  it("never creates a disabled user, but deactivates an unlinked ABM user carrying its externalId", () => {
    expect(full(new World(), prepared(entraUser("u1", { accountEnabled: false }))).ops).toEqual([]);
    const world = new World();
    world.addAbmUser(mapUser(entraUser("u1"), DEFAULT_ATTRIBUTE_MAP));
    const op = only(full(world, prepared(entraUser("u1", { accountEnabled: false }))).ops);
    expect(op).toMatchObject({ action: "deactivate", cause: "disabled" });
    world.apply([op]);
    expect(world.links.get("u1")?.active).toBe(false);
  });

  it("deactivates a soft-deleted user", () => {
    const world = synced("u1");
    const op = only(incremental(world, [], { removals: [{ entraId: "u1", reason: "soft_deleted" }] }).ops);
    expect(op).toMatchObject({ action: "deactivate", cause: "soft_deleted" });
  });

  it("deactivates a hard-deleted user by default and deletes it when the policy says so", () => {
    const world = synced("u1");
    const removals = [{ entraId: "u1", reason: "hard_deleted" as const }];
    expect(only(incremental(world, [], { removals }).ops)).toMatchObject({
      action: "deactivate",
      cause: "hard_deleted",
    });
    const policy = { hardDeleteAction: "delete" as const };
    const op = only(incremental(world, [], { removals, policy }).ops);
    expect(op).toMatchObject({ action: "delete", cause: "hard_deleted" });
    world.apply([op]);
    expect(world.abm.size).toBe(0);
    expect(world.links.size).toBe(0);
    expect(incremental(world, [], { removals, policy }).ops).toEqual([]);
  });

  it("deletes a hard-deleted user that a soft delete had already deactivated (policy delete)", () => {
    const world = synced("u1");
    world.apply(incremental(world, [], { removals: [{ entraId: "u1", reason: "soft_deleted" }] }).ops);
    const removals = [{ entraId: "u1", reason: "hard_deleted" as const }];
    expect(incremental(world, [], { removals }).ops).toEqual([]);
    expect(only(incremental(world, [], { removals, policy: { hardDeleteAction: "delete" } }).ops).action).toBe(
      "delete",
    );
  });

  it("deactivates a user that left the scope (incremental) and ignores unlinked ones", () => {
    const world = synced("u1");
    const op = only(incremental(world, [], { outOfScope: ["u1", "never-linked"] }).ops);
    expect(op).toMatchObject({ action: "deactivate", cause: "out_of_scope" });
  });

  it("deactivates, on a full cycle, a linked user missing from the source", () => {
    const world = synced("u1", "u2");
    const plan = full(world, prepared(entraUser("u1")));
    expect(plan.ops.map((op) => [op.action, op.entraId, op.action === "deactivate" && op.cause])).toEqual([
      ["deactivate", "u2", "missing_from_source"],
    ]);
    world.apply(plan.ops);
    expect(full(world, prepared(entraUser("u1"))).ops).toEqual([]);
  });

  it("leaves ABM users alone that it does not own and nobody matches", () => {
    const world = synced("u1");
    world.addAbmUser(mapUser(entraUser("manual"), DEFAULT_ATTRIBUTE_MAP));
    world.addAbmUser({ ...mapUser(entraUser("other"), DEFAULT_ATTRIBUTE_MAP), externalId: null });
    expect(full(world, prepared(entraUser("u1"))).ops).toEqual([]);
  });
});

describe("planSync: invalid input and keys", () => {
  it("skips invalid users with their problems and both users of a duplicate userName", () => {
    const users = prepared(
      entraUser("a", { givenName: null }),
      entraUser("b", { userPrincipalName: "same@example.com" }),
      entraUser("c", { userPrincipalName: "SAME@example.com" }),
    );
    const plan = full(new World(), users);
    expect(summary(plan.ops)).toEqual(["skip:a", "skip:b", "skip:c"]);
    const problems = plan.ops.map((op) => (op.action === "skip" ? op.problems.map((p) => p.code) : []));
    expect(problems).toEqual([
      ["validation.missing_given_name"],
      ["validation.duplicate_user_name"],
      ["validation.duplicate_user_name"],
    ]);
    expect(plan.counts).toEqual({ create: 0, adopt: 0, update: 0, deactivate: 0, delete: 0, skip: 3 });
  });

  it("skips a linked user whose department gains a NUL (never sent, link untouched), still deactivates a disabled one and deletes nobody else", () => {
    const world = synced("u1", "u2", "u3");
    const users = prepared(
      entraUser("u1", { department: "Sales\u0000" }),
      entraUser("u2", { userPrincipalName: "u2\ud800@example.com", accountEnabled: false }),
      entraUser("u3"),
    );
    const plan = incremental(world, users);
    expect(summary(plan.ops)).toEqual(["skip:u1", "deactivate:u2"]);
    const [skip] = plan.ops;
    expect(skip?.action === "skip" && skip.problems.map((p) => p.code)).toEqual(["validation.invalid_characters"]);
    expect(skip?.reason).toContain("Sales[U+0000]");
    // what is journaled and escrowed never carries the character itself
    const bad = only(planSync({ kind: "incremental", users: prepared(entraUser("u\u0000")), links: [] }).ops);
    expect(bad.action).toBe("skip");
    expect(bad.userName).toBe("u[U+0000]@example.com");
  });

  it("rejects inconsistent input (programmer errors throw sync.plan_input)", () => {
    const users = prepared(entraUser("u1"));
    expect(() => planSync({ kind: "full", users, links: [] })).toThrow(/targetUsers/);
    expect(() => incremental(new World(), [...users, ...users])).toThrow(/appears twice/);
    expect(() => incremental(new World(), users, { removals: [{ entraId: "u1", reason: "soft_deleted" }] })).toThrow(
      /both in scope and removed/,
    );
  });

  it("gives the same transition the same dedup key and different transitions different keys", () => {
    const world = synced("u1");
    const changed = prepared(entraUser("u1", { department: "Ops" }));
    const first = only(incremental(world, changed).ops);
    expect(only(incremental(world, changed).ops).dedupKey).toBe(first.dedupKey);
    expect(first.dedupKey).toMatch(/^u1:update:[0-9a-f]{64}$/);
    const other = only(incremental(world, prepared(entraUser("u1", { department: "HR" }))).ops);
    expect(other.dedupKey).not.toBe(first.dedupKey);
  });
});

describe("planSync: escrowed users whose create may have reached ABM (unconfirmed)", () => {
  /** ABM holds u9 (a create whose answer was lost) but no link says so */
  function lostAnswer(): { world: World; scimId: string } {
    const world = synced("u1");
    const held = world.addAbmUser(mapUser(entraUser("u9"), DEFAULT_ATTRIBUTE_MAP));
    return { world, scimId: held.id };
  }

  it.each([
    ["removed (incremental)", { removals: [{ entraId: "u9", reason: "soft_deleted" as const }] }],
    ["out of scope (incremental)", { outOfScope: ["u9"] }],
    ["gone from Entra (incremental)", { gone: ["u9"] }],
  ])("deactivates the ABM user carrying its externalId when it is %s", (_, extra) => {
    const { world, scimId } = lostAnswer();
    const op = only(incremental(world, [], { ...extra, unconfirmed: ["u9"], targetUsers: world.targetUsers() }).ops);
    expect(op).toMatchObject({ action: "deactivate", entraId: "u9", scimId });
  });

  it("deactivates it in a full cycle once the user is no longer in the source", () => {
    const { world, scimId } = lostAnswer();
    const ops = full(world, prepared(entraUser("u1")), { unconfirmed: ["u9"] }).ops;
    expect(only(ops)).toMatchObject({ action: "deactivate", entraId: "u9", scimId, cause: "missing_from_source" });
  });

  it("leaves an ABM user alone when nothing says the sync may have created it", () => {
    const { world } = lostAnswer();
    expect(full(world, prepared(entraUser("u1"))).ops).toEqual([]);
    expect(incremental(world, [], { gone: ["u9"], targetUsers: world.targetUsers() }).ops).toEqual([]);
  });

  it("does nothing for an unconfirmed user ABM does not hold, or holds inactive", () => {
    const world = synced("u1");
    expect(full(world, prepared(entraUser("u1")), { unconfirmed: ["u9"] }).ops).toEqual([]);
    world.addAbmUser({ ...mapUser(entraUser("u9"), DEFAULT_ATTRIBUTE_MAP), active: false });
    expect(full(world, prepared(entraUser("u1")), { unconfirmed: ["u9"] }).ops).toEqual([]);
  });

  it("deactivates a linked user that a look-up no longer finds in Entra", () => {
    const world = synced("u1", "u2");
    const op = only(incremental(world, [], { gone: ["u2"] }).ops);
    expect(op).toMatchObject({ action: "deactivate", entraId: "u2", cause: "missing_from_source" });
  });
});
