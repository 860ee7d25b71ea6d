import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DirectoryChange } from "#core/ports/directory-source.js";
import { type GraphEmulator, startGraphEmulator } from "#emulators/graph/start-graph-emulator.js";
import { control, type GraphDirectorySource, readAll, sourceFor } from "./support/graph-fixture.js";

describe("Graph directory source: users delta against the emulator", () => {
  let emulator: GraphEmulator;
  let source: GraphDirectorySource;

  beforeAll(async () => {
    emulator = await startGraphEmulator({ users: 5_000, seed: 7, pageSize: 200 });
    source = sourceFor(emulator, { pageSize: 999 });
  });
  afterAll(async () => {
    await source.close();
    await emulator.close();
  });

  it("reads 5,000 users in full, page by page, flattening nested attributes", async () => {
    const read = await readAll(source, null);
    expect(read.output.full).toBe(true);
    expect(read.output.watermark).toContain(`${emulator.baseUrl}/v1.0/users/delta?$deltatoken=`);
    // the server caps the page at 200 whatever the client prefers
    expect(read.batches).toHaveLength(25);
    expect(read.batches.every((batch) => batch.length === 200)).toBe(true);
    const ids = read.changes.map((change) => (change.kind === "upsert" ? change.user.id : change.id));
    expect(new Set(ids).size).toBe(5_000);
    expect(new Set(ids)).toEqual(new Set(emulator.state().users.map((user) => user.id)));
    const first = read.changes[0];
    const stored = emulator.state().users[0];
    expect(first?.kind).toBe("upsert");
    if (first?.kind !== "upsert" || stored === undefined) return;
    const orgData = stored.employeeOrgData as { costCenter: string; division: string };
    expect(first.user).toEqual({
      id: stored.id,
      attributes: {
        userPrincipalName: stored.userPrincipalName,
        mail: stored.mail ?? null,
        givenName: stored.givenName ?? null,
        surname: stored.surname ?? null,
        accountEnabled: true,
        department: stored.department,
        employeeId: stored.employeeId,
        "employeeOrgData.costCenter": orgData.costCenter,
        "employeeOrgData.division": orgData.division,
      },
    });
  });

  it("returns exactly the created, updated, soft-deleted, restored and hard-deleted users next time", async () => {
    const baseline = await readAll(source, null);
    const [updated, softDeleted, restored, hardDeleted] = emulator.state().users.slice(10, 14);
    if (!updated || !softDeleted || !restored || !hardDeleted) throw new Error("seeded users missing");

    const created = await control(emulator, "POST", "/_emulator/users", {
      displayName: "Nora O'Neil",
      givenName: "Nora",
      surname: "O'Neil",
      userPrincipalName: "nora.oneil@contoso.com",
      mail: "nora.oneil@contoso.com",
      employeeOrgData: { costCenter: "CC-9", division: "EMEA" },
    });
    expect(created.status).toBe(201);
    const createdId = (created.json as { id: string }).id;
    expect(
      (await control(emulator, "PATCH", `/_emulator/users/${updated.id}`, { department: "Research" })).status,
    ).toBe(200);
    expect((await control(emulator, "DELETE", `/_emulator/users/${softDeleted.id}?hard=false`)).status).toBe(204);
    expect((await control(emulator, "DELETE", `/_emulator/users/${restored.id}?hard=false`)).status).toBe(204);
    expect((await control(emulator, "POST", `/_emulator/users/${restored.id}/restore`)).status).toBe(200);
    expect((await control(emulator, "DELETE", `/_emulator/users/${hardDeleted.id}?hard=true`)).status).toBe(204);

    const next = await readAll(source, baseline.output.watermark);
    expect(next.output.full).toBe(false);
    const byId = new Map(next.changes.map((change) => [change.kind === "upsert" ? change.user.id : change.id, change]));
    expect(next.changes).toHaveLength(5);
    expect(byId.get(softDeleted.id)).toEqual({ kind: "removed", id: softDeleted.id, reason: "soft_deleted" });
    expect(byId.get(hardDeleted.id)).toEqual({ kind: "removed", id: hardDeleted.id, reason: "hard_deleted" });
    const upsert = (id: string) => {
      const change: DirectoryChange | undefined = byId.get(id);
      if (change?.kind !== "upsert") throw new Error(`no upsert for ${id}`);
      return change.user.attributes;
    };
    expect(upsert(createdId)).toMatchObject({ surname: "O'Neil", "employeeOrgData.costCenter": "CC-9" });
    // the emulator sends only the changed property of an update; the source reads the whole user
    expect(upsert(updated.id)).toMatchObject({ department: "Research", userPrincipalName: updated.userPrincipalName });
    expect(upsert(restored.id)).toMatchObject({ userPrincipalName: restored.userPrincipalName });

    const quiet = await readAll(source, next.output.watermark);
    expect(quiet.changes).toEqual([]);
    expect(quiet.output.full).toBe(false);
  });

  it("starts a full read when the delta link has expired", async () => {
    const baseline = await readAll(source, null);
    expect((await control(emulator, "POST", "/_emulator/expire-delta-tokens")).status).toBe(204);
    const after = await readAll(source, baseline.output.watermark);
    expect(after.output.full).toBe(true);
    expect(after.changes).toHaveLength(emulator.state().users.length);
    expect(after.output.watermark).not.toBe(baseline.output.watermark);
  });

  it("looks users up by id, userPrincipalName and mail, quoting OData literals", async () => {
    const guest = await control(emulator, "POST", "/_emulator/users", {
      givenName: "Seán",
      surname: "D'Arcy",
      userType: "Guest",
      userPrincipalName: "sean.d'arcy_fabrikam.com#EXT#@contoso.onmicrosoft.com",
      mail: "sean.d'arcy@fabrikam.com",
    });
    const id = (guest.json as { id: string }).id;
    const select = ["surname", "userPrincipalName"];
    const byUpn = await source.lookupUser(
      { by: "userPrincipalName", value: "sean.d'arcy_fabrikam.com#EXT#@contoso.onmicrosoft.com" },
      select,
    );
    expect(byUpn).toEqual({
      ok: true,
      value: {
        id,
        attributes: { surname: "D'Arcy", userPrincipalName: "sean.d'arcy_fabrikam.com#EXT#@contoso.onmicrosoft.com" },
      },
    });
    const byMail = await source.lookupUser({ by: "mail", value: "SEAN.D'ARCY@fabrikam.com" }, select);
    expect(byMail.ok && byMail.value?.id).toBe(id);
    const byId = await source.lookupUser({ by: "id", value: id }, select);
    expect(byId.ok && byId.value?.attributes.surname).toBe("D'Arcy");
    expect(await source.lookupUser({ by: "id", value: "00000000-0000-0000-0000-000000000000" }, select)).toEqual({
      ok: true,
      value: null,
    });
    expect(await source.lookupUser({ by: "mail", value: "x' or mail eq 'y" }, select)).toEqual({
      ok: true,
      value: null,
    });
  });
});
