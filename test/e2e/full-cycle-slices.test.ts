import { describe, expect, it } from "vitest";
import type { RunSummary } from "#core/ports/provisioning-engine.js";
import { createEngineStore } from "#db/repositories/engine-store.js";
import type { JsonObject } from "#emulators/abm/json.js";
import {
  createE2eDatabase,
  type E2eDatabaseKind,
  type E2eHarness,
  e2eDatabaseKinds,
  startE2e,
} from "#test/support/e2e.js";
import { abmUsers, duplicatesIn, scopeIds, validUsers } from "./support/model.js";

/**
 * A full cycle planned and applied in slices ends in exactly the state of one planned whole. The
 * same story runs twice on fresh emulators and a fresh database, once with slices of 97 source
 * users and once with one slice for everybody, and the two must agree after every cycle: ABM's
 * users, the links, the failure escrow and the held approval. The story puts users on both sides
 * of slice boundaries: ABM users made by someone else adopted by externalId and by userName, users
 * renamed early whose old userName a user read later wants (and the other way round), disabled
 * and deleted users spread over the directory past DELETION_THRESHOLD (held over the whole cycle).
 */
const USERS = 5000;
const SEED = 31;
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const CORE = "urn:ietf:params:scim:schemas:core:2.0:User";

type GraphRecord = Record<string, unknown>;

async function story(kind: E2eDatabaseKind, sliceSize: number) {
  const harness = await startE2e({
    database: await createE2eDatabase(kind),
    emulators: { users: USERS, seed: SEED, problemRate: 0.03 },
    env: { DELETION_THRESHOLD: "25", SYNC_CONCURRENCY: "16" },
    sliceSize,
  });
  try {
    const runs: RunSummary[] = [];
    const states: Awaited<ReturnType<typeof stateOf>>[] = [];
    const cycle = async (how: "full" | "incremental") => {
      runs.push(await harness.sync(how));
      states.push(await stateOf(harness));
    };
    const pick = picker(harness);
    seedAbm(harness, pick);
    await cycle("full");
    // five users read late are disabled (and deactivated): their ABM users stay theirs
    const disabledLate = Array.from({ length: 5 }, (_, k) => pick.at(3800 + k * 60));
    for (const id of disabledLate) harness.graph.store.patchUser(id, { accountEnabled: false });
    await cycle("incremental");
    changeEntra(harness, pick, disabledLate);
    await cycle("full");
    await cycle("incremental");
    return { runs: runs.map((r) => ({ kind: r.kind, outcome: r.outcome, counts: r.counts })), states };
  } finally {
    await harness.close();
  }
}

/** Picks users in read order, each once: the first valid one at or after a position. */
function picker(harness: E2eHarness) {
  const order = harness.graph.store.order;
  const valid = validUsers(harness.graph, scopeIds(harness.graph, "all"));
  const taken = new Set<string>();
  const user = (id: string): GraphRecord => {
    const record = harness.graph.store.users.get(id)?.user;
    if (record === undefined) throw new Error(`no Graph user ${id}`);
    return record;
  };
  return {
    valid,
    user,
    at(position: number): string {
      for (let p = position; p < order.length; p += 1) {
        const id = order[p];
        if (id !== undefined && valid.has(id) && !taken.has(id)) {
          taken.add(id);
          return id;
        }
      }
      throw new Error(`no valid user at or after ${position}`);
    },
  };
}

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);

function scim(
  user: GraphRecord,
  over: { userName?: string; externalId?: string | null; department?: string },
): JsonObject {
  const externalId = over.externalId === undefined ? text(user.id) : over.externalId;
  return {
    schemas: [CORE, ENTERPRISE],
    userName: over.userName ?? text(user.userPrincipalName),
    ...(externalId === null ? {} : { externalId }),
    active: true,
    name: { givenName: text(user.givenName), familyName: text(user.surname) },
    emails: [{ value: text(user.mail), type: "work", primary: true }],
    [ENTERPRISE]: { department: over.department ?? text(user.department) },
  };
}

type Picker = ReturnType<typeof picker>;

/**
 * ABM users made by someone else before the first cycle: ten to adopt by externalId, ten by
 * userName, five foreign, and five that carry the externalId of a user read late and the userName
 * of a user read early (the late user's externalId claim comes first, so the early one must wait).
 */
function seedAbm(harness: E2eHarness, pick: Picker): void {
  const users: JsonObject[] = [];
  for (let k = 0; k < 10; k += 1) {
    users.push(scim(pick.user(pick.at(50 + k * 480)), { department: "Before" }));
    const byName = pick.user(pick.at(250 + k * 480));
    users.push(scim(byName, { externalId: null, userName: String(byName.userPrincipalName).toUpperCase() }));
  }
  for (let k = 0; k < 5; k += 1) {
    const early = pick.user(pick.at(400 + k * 50));
    users.push(scim(pick.user(pick.at(4000 + k * 50)), { userName: String(early.userPrincipalName) }));
  }
  for (let k = 0; k < 5; k += 1)
    users.push(
      scim(
        { givenName: "Not", surname: `Ours${k}`, mail: `foreign${k}@contoso.com` },
        {
          externalId: `foreign-${k}`,
          userName: `foreign${k}@contoso.com`,
        },
      ),
    );
  harness.pair.abm.addUsers(users);
}

/**
 * The same changes in both runs (deterministic ids and positions). Users that were invalid early in
 * the directory are fixed with the old userName of a user read late and renamed in this cycle:
 * enabled (its ABM user is renamed by this cycle), or disabled (its ABM user, inactive, is still its
 * own: only knowing the late user is in the source tells the early one not to take it).
 */
function changeEntra(harness: E2eHarness, pick: Picker, disabledLate: readonly string[]): void {
  const store = harness.graph.store;
  const domain = harness.graph.verifiedDomain;
  const invalidEarly = store.order.slice(0, 2500).filter((id) => !pick.valid.has(id));
  const fix = (k: number, userPrincipalName: string): void => {
    const early = invalidEarly[k];
    if (early === undefined) throw new Error("not enough invalid users early in the directory");
    store.patchUser(early, { givenName: "Fixed", surname: `User${k}`, userType: "Member", userPrincipalName });
  };
  const rename = (id: string, local: string): string => {
    const old = String(pick.user(id).userPrincipalName);
    store.patchUser(id, { userPrincipalName: `${local}@${domain}`, mail: `${local}@${domain}` });
    return old;
  };
  // 30 disabled and 5 deleted all over the directory: 35 removals > 25, all held together
  for (let k = 0; k < 30; k += 1) store.patchUser(pick.at(20 + k * 160), { accountEnabled: false });
  for (let k = 0; k < 5; k += 1) store.deleteUser(pick.at(33 + k * 900), true);
  for (let k = 0; k < 10; k += 1) fix(k, rename(pick.at(4500 + k * 40), `renamed.late${k}`));
  for (const [k, id] of disabledLate.entries()) fix(10 + k, rename(id, `renamed.off${k}`));
  // early users renamed; new users (read last) want their old userNames
  for (let k = 0; k < 10; k += 1) {
    const old = rename(pick.at(100 + k * 30), `renamed.early${k}`);
    store.createUser({ id: `new-user-${k}`, givenName: "New", surname: `User${k}`, userPrincipalName: old, mail: old });
  }
  for (let k = 0; k < 20; k += 1) store.patchUser(pick.at(60 + k * 240), { department: "Moved" });
}

/** ABM, the links (by the ABM user they point at), the escrow and the held batch; nothing run-specific */
async function stateOf(harness: E2eHarness) {
  const services = harness.services();
  const abm = abmUsers(harness.pair.abm);
  expect(duplicatesIn(abm)).toEqual([]);
  const keyOf = (u: { externalId: string | null; userName: string }) => `${u.externalId ?? "-"}|${u.userName}`;
  const byScimId = new Map(abm.map((u) => [u.id, keyOf(u)] as const));
  const store = createEngineStore(services.database.db, services.connections[0].connectionId, () => new Date());
  const links = (await store.links())
    .map((l) => ({ ...l, scimId: byScimId.get(l.scimId) ?? `missing ${l.scimId}` }))
    .sort((a, b) => a.entraId.localeCompare(b.entraId));
  const failures = (await store.failures())
    .map((f) => {
      // ABM's ids differ between the runs; messages name ABM users by what identifies them in both
      const reason = f.reason.replace(/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/g, (id) => byScimId.get(id) ?? id);
      return `${f.entraId} ${f.action} ${f.code} ${f.nextRetryAt === null ? "waits" : "retries"}: ${reason}`;
    })
    .sort();
  const open = await services.connections[0].approvals.pending();
  const held =
    open?.payload.kind === "native_batch"
      ? open.payload.removals.map((r) => `${r.entraId} ${r.action} ${r.cause} ${byScimId.get(r.scimId)}`).sort()
      : [];
  return {
    abm: abm.map(({ id: _id, version: _version, ...user }) => user).sort((a, b) => keyOf(a).localeCompare(keyOf(b))),
    links,
    failures,
    held,
  };
}

type State = Awaited<ReturnType<typeof stateOf>>;

/** what one state holds and the other does not, section by section (readable when they differ) */
function differences(a: State, b: State): string[] {
  const out: string[] = [];
  for (const section of ["abm", "links", "failures", "held"] as const) {
    const left = new Set(a[section].map((item) => JSON.stringify(item)));
    const right = new Set(b[section].map((item) => JSON.stringify(item)));
    for (const item of left) if (!right.has(item)) out.push(`${section} sliced only: ${item}`);
    for (const item of right) if (!left.has(item)) out.push(`${section} whole only: ${item}`);
  }
  return out;
}

for (const kind of e2eDatabaseKinds()) {
  describe(`full cycles in slices [${kind}]`, () => {
    it(`${USERS.toLocaleString("en")} users in slices of 97 end every cycle in exactly the state of one slice`, {
      timeout: 900_000,
    }, async () => {
      const sliced = await story(kind, 97);
      const whole = await story(kind, USERS * 2);
      expect(sliced.runs).toEqual(whole.runs);
      for (const [i, state] of sliced.states.entries()) {
        const other = whole.states[i];
        expect(other).toBeDefined();
        if (other === undefined) continue;
        expect(differences(state, other), `after cycle ${i + 1}`).toEqual([]);
      }

      // the story did what it is about
      const [initial, deactivating, changed] = whole.runs;
      const taken = (cycle: number) =>
        whole.states[cycle]?.failures.filter((f) => f.includes("sync.user_name_taken")).length;
      expect(initial?.counts).toMatchObject({ adopted: 25, failed: 0 });
      expect(taken(0)).toBe(5);
      expect(deactivating?.counts).toMatchObject({ deactivated: 5 });
      expect(changed?.counts).toMatchObject({ held: 35, deactivated: 0, updated: 40, created: 5, failed: 0 });
      expect(whole.states[2]?.held).toHaveLength(35);
      expect(taken(2)).toBe(25);
      const foreign = whole.states[3]?.abm.filter((u) => u.externalId?.startsWith("foreign-"));
      expect(foreign?.map((u) => u.active)).toEqual([true, true, true, true, true]);
    });

    it("an incremental cycle whose delta link expired becomes a full cycle in slices", async () => {
      const harness = await startE2e({
        database: await createE2eDatabase(kind),
        emulators: { users: 300, seed: 32, problemRate: 0 },
        sliceSize: 7,
      });
      try {
        expect((await harness.sync("full")).counts).toMatchObject({ created: 300, failed: 0 });
        const store = harness.graph.store;
        const [gone1, gone2, off, changed] = store.order.slice(100, 104);
        if (gone1 === undefined || gone2 === undefined || off === undefined || changed === undefined)
          throw new Error("users expected");
        store.deleteUser(gone1, true);
        store.deleteUser(gone2, false);
        store.patchUser(off, { accountEnabled: false });
        store.patchUser(changed, { department: "Moved" });
        store.createUser({
          id: "late-arrival",
          givenName: "Late",
          surname: "Arrival",
          userPrincipalName: `late@${harness.graph.verifiedDomain}`,
        });
        store.expireDeltaTokens();

        const run = await harness.sync("incremental");
        expect(run.kind).toBe("incremental");
        // a full read: the deleted users are missing from it, everybody else is compared with ABM
        expect(run.counts).toMatchObject({ created: 1, updated: 1, deactivated: 3, failed: 0, held: 0 });
        const abm = new Map(abmUsers(harness.pair.abm).map((u) => [u.externalId, u] as const));
        expect([gone1, gone2, off].map((id) => abm.get(id)?.active)).toEqual([false, false, false]);
        expect(abm.get(changed)?.department).toBe("Moved");
        expect(abm.get("late-arrival")?.active).toBe(true);
        expect(abm.size).toBe(301);
        // the delta link it stored works: nothing to do next time
        const quiet = await harness.sync("incremental");
        expect(quiet.counts).toMatchObject({ created: 0, updated: 0, deactivated: 0, failed: 0 });
      } finally {
        await harness.close();
      }
    });
  });
}
