import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AbmScimTarget } from "#adapters/abm-scim/abm-scim-target.js";
import type { JsonObject } from "#emulators/abm/json.js";
import { type AbmEmulator, startAbmEmulator } from "#emulators/abm/server.js";
import { clientFor, testUser } from "./support.js";

let emulator: AbmEmulator;
let client: AbmScimTarget;

beforeAll(async () => {
  emulator = await startAbmEmulator({ token: "list-token", maxPageSize: 100 });
  client = clientFor(emulator, { concurrency: 8 });
});
afterAll(async () => {
  client.close();
  await emulator.close();
});

describe("listing", () => {
  it("pages through 10,000 users, each exactly once, even when asking for more than the server's page size", async () => {
    emulator.reset();
    const seeded: JsonObject[] = Array.from({ length: 10_000 }, (_, i) => ({
      userName: `user${i}@example.com`,
      externalId: `ext-${i}`,
      name: { givenName: "G", familyName: `F${i}` },
    }));
    emulator.addUsers(seeded);
    const ids = new Set<string>();
    let pages = 0;
    let total = 0;
    for await (const page of client.list({ pageSize: 250 })) {
      if (!page.ok) throw page.error;
      pages++;
      total += page.value.length;
      expect(page.value.length).toBeLessThanOrEqual(100);
      for (const u of page.value) ids.add(u.id);
    }
    expect(total).toBe(10_000);
    expect(ids.size).toBe(10_000);
    expect(pages).toBe(100);
    expect(emulator.stats().byMethod.GET).toEqual({ "200": 100 });
  });

  it("stops with scim.aborted when the signal fires", async () => {
    const controller = new AbortController();
    const codes: string[] = [];
    for await (const page of client.list({ pageSize: 100, signal: controller.signal })) {
      codes.push(page.ok ? "ok" : page.error.code);
      controller.abort();
    }
    expect(codes).toEqual(["ok", "scim.aborted"]);
  });
});

describe("filter escaping with hostile userNames", () => {
  const hostile = ['a"b@x.com', "a\\b@x.com", 'q\\"@x.com'];

  it("finds exactly the user whose userName holds quotes and backslashes", async () => {
    emulator.reset();
    for (const name of ["ab@x.com", "a@x.com", "b@x.com", ...hostile]) {
      const created = await client.create({ ...testUser("h"), userName: name, externalId: `ext-${name}`, email: null });
      expect(created.ok).toBe(true);
    }
    for (const name of hostile) {
      const found = await client.findByUserName(name);
      expect(found.ok && found.value?.userName).toBe(name);
      const byExt = await client.findByExternalId(`ext-${name}`);
      expect(byExt.ok && byExt.value?.userName).toBe(name);
    }
    // the server understood every filter: no 400 invalidFilter
    expect(Object.keys(emulator.stats().byMethod.GET ?? {})).toEqual(["200"]);
  });

  it("does not let a userName widen the filter", async () => {
    const result = await client.findByUserName('x" or userName pr "');
    expect(result.ok && result.value).toBeNull();
    const ext = await client.findByExternalId('x" or externalId pr "');
    expect(ext.ok && ext.value).toBeNull();
  });
});
