import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphEmulator, startGraphEmulator } from "#emulators/graph/start-graph-emulator.js";
import { control, type GraphDirectorySource, sourceFor } from "./support/graph-fixture.js";

describe("Graph directory source: assigned scope and group checks", () => {
  let emulator: GraphEmulator;
  let source: GraphDirectorySource;
  let users: string[];

  beforeAll(async () => {
    emulator = await startGraphEmulator({ users: 1_200, seed: 3 });
    source = sourceFor(emulator);
    users = emulator.state().users.map((user) => user.id);
  });
  afterAll(async () => {
    await source.close();
    await emulator.close();
  });

  const id = (index: number): string => {
    const value = users[index];
    if (value === undefined) throw new Error(`no user ${index}`);
    return value;
  };

  it("expands assigned groups to their DIRECT user members only, across pages", async () => {
    const sales = await control(emulator, "POST", "/_emulator/groups", { displayName: "Sales" });
    const nested = await control(emulator, "POST", "/_emulator/groups", { displayName: "Sales interns" });
    const salesId = (sales.json as { id: string }).id;
    const nestedId = (nested.json as { id: string }).id;
    // 1,000 direct members: more than one 999-member page
    for (let i = 0; i < 1_000; i++) expect(emulator.store.addMember(salesId, id(i))).toBe(true);
    expect((await control(emulator, "POST", `/_emulator/groups/${salesId}/members`, { id: nestedId })).status).toBe(
      204,
    );
    expect((await control(emulator, "POST", `/_emulator/groups/${nestedId}/members`, { id: id(1_100) })).status).toBe(
      204,
    );
    expect((await control(emulator, "POST", "/_emulator/assignments", { principalId: salesId })).status).toBe(201);
    expect((await control(emulator, "POST", "/_emulator/assignments", { principalId: id(1_150) })).status).toBe(201);

    const scope = await source.readAssignedScope();
    if (!scope.ok) throw scope.error;
    expect(scope.value.assignedGroupIds).toEqual([salesId]);
    expect(scope.value.assignedUserIds).toEqual([id(1_150)]);
    expect(scope.value.userIds.size).toBe(1_001);
    expect(scope.value.userIds.has(id(999))).toBe(true);
    expect(scope.value.userIds.has(id(1_150))).toBe(true);
    // the nested group's member is not in scope, and neither is the nested group itself
    expect(scope.value.userIds.has(id(1_100))).toBe(false);
    expect(scope.value.userIds.has(nestedId)).toBe(false);

    // membership changes show up on the next read
    expect((await control(emulator, "DELETE", `/_emulator/groups/${salesId}/members/${id(0)}`)).status).toBe(204);
    expect((await control(emulator, "DELETE", `/_emulator/assignments/${id(1_150)}`)).status).toBe(204);
    const after = await source.readAssignedScope();
    if (!after.ok) throw after.error;
    expect(after.value.userIds.size).toBe(999);
    expect(after.value.userIds.has(id(0))).toBe(false);
    expect(after.value.assignedUserIds).toEqual([]);
    expect(emulator.state().assignments).toEqual([{ principalId: salesId, principalType: "Group" }]);
  });

  it("checks group membership transitively (for group: roles)", async () => {
    const outer = emulator.store.createGroup("Admins");
    const inner = emulator.store.createGroup("Tier 1");
    emulator.store.addMember(outer.id, inner.id);
    emulator.store.addMember(inner.id, id(5));
    expect(await source.isMemberOfGroup(id(5), outer.id)).toEqual({ ok: true, value: true });
    expect(await source.isMemberOfGroup(id(6), outer.id)).toEqual({ ok: true, value: false });
    expect(await source.isMemberOfGroup("00000000-0000-0000-0000-000000000000", outer.id)).toEqual({
      ok: true,
      value: false,
    });
  });

  it("says which setting is missing when there is no service principal id", async () => {
    const unconfigured = sourceFor(emulator, { servicePrincipalId: "" });
    const result = await unconfigured.readAssignedScope();
    await unconfigured.close();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe("graph.not_configured");
  });
});
