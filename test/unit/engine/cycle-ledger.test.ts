import { describe, expect, it } from "vitest";
import { AbmIndex } from "#core/engine/abm-index.js";
import { CycleLedger } from "#core/engine/cycle-ledger.js";
import type { RemovalOp } from "#core/sync/operations.js";
import { planSync } from "#core/sync/planner.js";
import { entraUser, prepared, World } from "../sync/support/world.js";

/** what a full cycle keeps between slices (full-cycle.ts): compact, and what the end needs */
const ledger = (keepWhole = 2, unconfirmed: string[] = [], openIds: string[] = []) =>
  new CycleLedger({ unconfirmed, openIds, keepWhole });

/** deactivations of `ids`, as a full cycle plans them for users missing from the source */
function removalsOf(...ids: string[]): RemovalOp[] {
  const world = new World();
  world.apply(
    planSync({ kind: "full", users: prepared(...ids.map((id) => entraUser(id))), links: [], targetUsers: [] }).ops,
  );
  const plan = planSync({ kind: "full", users: [], links: world.linkList(), targetUsers: world.targetUsers() });
  return plan.ops.filter((op): op is RemovalOp => op.action === "deactivate");
}

describe("the ledger of a full cycle in slices", () => {
  it("a userName an earlier slice's user holds: the later user is not sent, the earlier one is left alone", () => {
    const book = ledger();
    const [first] = book.flagDuplicates(prepared(entraUser("a", { userPrincipalName: "same@example.com" })));
    const [later, other] = book.flagDuplicates(
      prepared(entraUser("b", { userPrincipalName: "SAME@example.com" }), entraUser("c")),
    );
    expect(first?.problems).toEqual([]);
    expect(later?.problems[0]).toMatchObject({ code: "validation.duplicate_user_name", field: "userName" });
    expect(later?.problems[0]?.message).toContain("Entra user a, read earlier in this cycle");
    expect(other?.problems).toEqual([]);
    // the same user read again (a delta may repeat a user) is no duplicate of itself
    expect(
      book.flagDuplicates(prepared(entraUser("a", { userPrincipalName: "same@example.com" })))[0]?.problems,
    ).toEqual([]);
  });

  it("keeps removal operations whole while the threshold may let them run, then only what an approval stores", () => {
    const book = ledger(2);
    const [r1, r2, r3] = removalsOf("r1", "r2", "r3");
    if (r1 === undefined || r2 === undefined || r3 === undefined) throw new Error("three removals expected");
    const index = new AbmIndex();
    book.record([r1, r2], index);
    expect(book.removals.op("r1")).toBe(r1);
    expect(book.removals.list().map((r) => r.entraId)).toEqual(["r1", "r2"]);
    book.record([r3], index);
    expect(book.removals.op("r1")).toBeUndefined();
    expect(book.removals.list().map((r) => r.entraId)).toEqual(["r1", "r2", "r3"]);
    expect(book.removals.list()[2]).toEqual({
      entraId: "r3",
      scimId: r3.scimId,
      userName: r3.userName,
      action: "deactivate",
      reason: r3.reason,
      dedupKey: r3.dedupKey,
      hash: r3.hash,
      cause: "missing_from_source",
    });
  });

  it("a user read again replaces its earlier decisions; a user removed later leaves the source", () => {
    const book = ledger(10, ["u9"], ["r1"]);
    const [r1] = removalsOf("r1");
    if (r1 === undefined) throw new Error("a removal expected");
    book.enter(entraUser("r1", { accountEnabled: false }));
    book.record([r1], new AbmIndex());
    expect(book.view(null).enabled("r1")).toBe(false);
    book.enter(entraUser("r1"));
    expect(book.removals.list()).toEqual([]);
    expect(book.view(null).enabled("r1")).toBe(true);
    expect(book.part("slice", new AbmIndex()).statusOf("r1")).toBe("planned");
    book.leave("r1", "hard_deleted");
    expect(book.has("r1")).toBe(false);
    expect(book.view(null).removed("r1")).toBe(true);
    expect(book.part("end", new AbmIndex()).statusOf("r1")).toBe("absent");
    expect(book.part("slice", new AbmIndex()).statusOf("r1")).toBe("unknown");
    // the escrowed user without a link was never read: it departs unless an operation settled it
    expect(book.unconfirmedLeft()).toEqual(["u9"]);
    expect(book.departed()).toEqual(["u9"]);
  });
});
