import { describe, expect, it } from "vitest";
import { AbmIndex } from "#core/engine/abm-index.js";
import { partTargets } from "#core/engine/slice-targets.js";
import { ok } from "#core/result.js";
import { attributeHash } from "#core/sync/mapping.js";
import type { LinkState } from "#core/sync/operations.js";
import type { ScimUser } from "#core/users.js";
import { entraUser, prepared, scimUser } from "../sync/support/world.js";

/**
 * What one part of a full cycle prepares for the planner: the links and ABM users its users need,
 * ABM users rebuilt from a state with the same hash, read by id only when none matches.
 */
const [alice, bob] = prepared(entraUser("alice"), entraUser("bob"));
if (alice === undefined || bob === undefined) throw new Error("two users expected");

function deps(abm: readonly ScimUser[], links: readonly LinkState[]) {
  const reads: string[] = [];
  const linkReads: string[][] = [];
  return {
    reads,
    linkReads,
    deps: {
      concurrency: 4,
      store: {
        linksFor: async (ids: readonly string[]) => {
          linkReads.push([...ids]);
          return links.filter((l) => ids.includes(l.entraId));
        },
        linksForScimIds: async (ids: readonly string[]) => links.filter((l) => ids.includes(l.scimId)),
      },
      target: {
        get: async (id: string) => {
          reads.push(id);
          return ok(abm.find((u) => u.id === id) ?? null);
        },
      },
    },
  };
}

const linkTo = (scimId: string, entraId: string, pushed: ScimUser): LinkState => ({
  entraId,
  scimId,
  userName: pushed.userName,
  attributeHash: attributeHash(pushed),
  active: pushed.active,
  lastPushed: { ...pushed },
});

describe("partTargets", () => {
  it("rebuilds ABM users from a state with the same hash and reads only the one that changed in ABM", async () => {
    const same = scimUser("s-alice", alice.target); // ABM holds exactly what alice maps to
    const drifted = scimUser("s-bob", { ...bob.target, department: "Changed in ABM" });
    const pushed = scimUser("s-bob", bob.target);
    const index = new AbmIndex();
    for (const user of [same, drifted]) index.add(user);
    const { deps: d, reads } = deps([same, drifted], [linkTo("s-bob", "bob", pushed)]);
    const prepared = await partTargets(d, index, { users: [alice, bob] });
    if (!prepared.ok) throw prepared.error;
    expect(reads).toEqual(["s-bob"]);
    expect(prepared.value.targets.byExternalId.get("alice")).toEqual({ ...alice.target, id: "s-alice" });
    expect(prepared.value.targets.byId.get("s-bob")?.department).toBe("Changed in ABM");
    expect(prepared.value.links.map((l) => l.entraId)).toEqual(["bob"]);
  });

  it("uses the state a link last pushed, and reads nothing, when ABM still holds it", async () => {
    const pushed = scimUser("s-bob", { ...bob.target, department: "Before" });
    const index = new AbmIndex();
    index.add(pushed);
    const { deps: d, reads } = deps([pushed], [linkTo("s-bob", "bob", pushed)]);
    const prepared = await partTargets(d, index, { users: [bob] });
    if (!prepared.ok) throw prepared.error;
    expect(reads).toEqual([]);
    expect(prepared.value.targets.byId.get("s-bob")?.department).toBe("Before");
  });

  it("refuses a lookup it did not prepare, instead of answering wrongly", async () => {
    const other = scimUser("s-other", { ...bob.target, externalId: "other", userName: "other@example.com" });
    const index = new AbmIndex();
    index.add(other);
    const { deps: d } = deps([other], []);
    const prepared = await partTargets(d, index, { users: [alice] });
    if (!prepared.ok) throw prepared.error;
    expect(prepared.value.targets.byExternalId.get("nobody")).toBeUndefined();
    expect(() => prepared.value.targets.byExternalId.get("other")).toThrow(/not prepared/);
  });

  it("a user read again: the ABM user the cycle created for it (not indexed) is read by id and indexed", async () => {
    const created = scimUser("s-new", alice.target);
    const index = new AbmIndex();
    const { deps: d, reads, linkReads } = deps([created], [linkTo("s-new", "alice", created)]);
    const first = await partTargets(d, index, { users: [alice] });
    if (!first.ok) throw first.error;
    expect(reads).toEqual([]);
    expect(first.value.targets.byId.get("s-new")).toBeUndefined();

    const again = await partTargets(d, index, {
      users: [alice, bob],
      revisited: new Set(["alice"]),
      noLinksBefore: true,
    });
    if (!again.ok) throw again.error;
    expect(reads).toEqual(["s-new"]);
    // a first sync reads no links, but those of users read again
    expect(linkReads.at(-1)).toEqual(["alice"]);
    expect(index.byId("s-new")).toMatchObject({ externalId: "alice", active: true });
    expect(again.value.targets.byId.get("s-new")).toEqual({ ...alice.target, id: "s-new" });
  });
});
