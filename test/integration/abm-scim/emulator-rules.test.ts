import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { type AbmEmulator, startAbmEmulator } from "#emulators/abm/server.js";

let emulator: AbmEmulator;
const ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const anyJson = z.record(z.string(), z.unknown());
const list = z.object({
  totalResults: z.number(),
  startIndex: z.number(),
  itemsPerPage: z.number(),
  Resources: z.array(anyJson),
});

async function call(method: string, path: string, body?: unknown, token = emulator.token) {
  const res = await fetch(`${emulator.scimUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/scim+json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text === "" ? {} : anyJson.parse(JSON.parse(text)), headers: res.headers };
}

const user = (userName: string, extra: Record<string, unknown> = {}) => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:User"],
  userName,
  name: { givenName: "Ann", familyName: "Lee" },
  ...extra,
});

beforeAll(async () => {
  emulator = await startAbmEmulator({ token: "rules-token", verifiedDomains: ["example.com"], maxPageSize: 5 });
});
afterAll(async () => emulator.close());
beforeEach(() => emulator.reset());

describe("ABM emulator rules", () => {
  it("requires a bearer token", async () => {
    expect((await call("GET", "/Users", undefined, "nope")).status).toBe(401);
    const res = await fetch(`${emulator.scimUrl}/Users`);
    expect(res.status).toBe(401);
  });

  it("requires userName, givenName and familyName, an e-mail userName and a verified domain", async () => {
    const missing = await call("POST", "/Users", { userName: "a@example.com", name: { givenName: "A" } });
    expect([missing.status, missing.json.scimType]).toEqual([400, "invalidValue"]);
    expect((await call("POST", "/Users", user("not-an-email"))).status).toBe(400);
    const domain = await call("POST", "/Users", user("a@elsewhere.com"));
    expect([domain.status, String(domain.json.detail)]).toEqual([400, expect.stringContaining("verified domain")]);
    expect((await call("POST", "/Users", { name: { givenName: "A", familyName: "B" } })).status).toBe(400);
    expect((await call("POST", "/Users", "{not json")).status).toBe(400);
  });

  it("answers 409 uniqueness for a userName in another case and for a personal Apple Account", async () => {
    const created = await call("POST", "/Users", user("Ann@Example.com"));
    expect(created.status).toBe(201);
    expect(created.json.meta).toMatchObject({ resourceType: "User", version: 'W/"1"' });
    expect(created.headers.get("location")).toContain("/Users/");
    const dup = await call("POST", "/Users", user("ann@example.COM"));
    expect([dup.status, dup.json.scimType]).toEqual([409, "uniqueness"]);
    emulator.addConflicts(["personal@example.com"]);
    const personal = await call("POST", "/Users", user("Personal@example.com"));
    expect([personal.status, personal.json.scimType]).toEqual([409, "uniqueness"]);
  });

  it("applies PATCH in Entra's form and in RFC form, and answers a no-op with 204", async () => {
    const { json } = await call(
      "POST",
      "/Users",
      user("p@example.com", { emails: [{ value: "p@example.com", type: "work", primary: true }] }),
    );
    const id = String(json.id);
    const entra = await call("PATCH", `/Users/${id}`, {
      schemas: ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
      Operations: [{ op: "Replace", value: { active: "False", "name.givenName": "x", [`${ENT}:department`]: "Ops" } }],
    });
    expect(entra.status).toBe(200);
    expect(entra.json).toMatchObject({
      active: false,
      name: { givenName: "x", familyName: "Lee" },
      [ENT]: { department: "Ops" },
    });
    expect(entra.json.meta).toMatchObject({ version: 'W/"2"' });
    const rfc = await call("PATCH", `/Users/${id}`, {
      Operations: [
        { op: "replace", path: 'emails[type eq "work"].value', value: "q@example.com" },
        { op: "remove", path: `${ENT}:department` },
        { op: "add", path: "locale", value: "fr-FR" },
      ],
    });
    expect(rfc.json).toMatchObject({ emails: [{ value: "q@example.com", type: "work" }], locale: "fr-FR" });
    expect(rfc.json[ENT]).toBeUndefined();
    expect(
      (await call("PATCH", `/Users/${id}`, { Operations: [{ op: "replace", path: "locale", value: "fr-FR" }] })).status,
    ).toBe(204);
    const bad = await call("PATCH", `/Users/${id}`, {
      Operations: [{ op: "replace", path: "name.givenName", value: "" }],
    });
    expect(bad.status).toBe(400);
    expect(
      (await call("PATCH", `/Users/${id}`, { Operations: [{ op: "replace", path: "nonsense", value: 1 }] })).json
        .scimType,
    ).toBe("invalidPath");
  });

  it("filters with eq on userName (case-insensitive) and externalId (case-exact), with and/or", async () => {
    await call("POST", "/Users", user("a@example.com", { externalId: "X1" }));
    await call("POST", "/Users", user("b@example.com", { externalId: "X2" }));
    const q = async (filter: string) =>
      list.parse((await call("GET", `/Users?filter=${encodeURIComponent(filter)}`)).json).totalResults;
    expect(await q('userName eq "A@EXAMPLE.COM"')).toBe(1);
    expect(await q('externalId eq "x1"')).toBe(0);
    expect(await q('userName eq "a@example.com" and externalId eq "X1"')).toBe(1);
    expect(await q('userName eq "a@example.com" and externalId eq "X2"')).toBe(0);
    expect(await q('userName eq "a@example.com" or externalId eq "X2"')).toBe(2);
    expect((await call("GET", `/Users?filter=${encodeURIComponent('userName eq "unterminated')}`)).json.scimType).toBe(
      "invalidFilter",
    );
  });

  it("pages with startIndex/count and caps the page size", async () => {
    emulator.addUsers(Array.from({ length: 12 }, (_, i) => user(`u${i}@example.com`)));
    const page = list.parse((await call("GET", "/Users?startIndex=11&count=50")).json);
    expect([page.totalResults, page.startIndex, page.itemsPerPage]).toEqual([12, 11, 2]);
    const capped = list.parse((await call("GET", "/Users?count=50")).json);
    expect(capped.itemsPerPage).toBe(5);
    expect(list.parse((await call("GET", "/Users?count=0")).json).Resources).toEqual([]);
  });

  it("serves discovery, answers /Groups as unsupported, and counts requests", async () => {
    const spc = await call("GET", "/ServiceProviderConfig");
    expect(spc.json).toMatchObject({
      patch: { supported: true },
      bulk: { supported: false },
      filter: { maxResults: 5 },
    });
    expect(list.parse((await call("GET", "/ResourceTypes")).json).Resources.map((r) => r.id)).toEqual(["User"]);
    expect(list.parse((await call("GET", "/Schemas")).json).totalResults).toBe(2);
    expect((await call("GET", "/Groups")).status).toBe(404);
    expect((await call("POST", "/Groups", { displayName: "g" })).status).toBe(404);
    expect(emulator.stats().byMethod).toEqual({ GET: { "200": 3, "404": 1 }, POST: { "404": 1 } });
  });

  it("exposes the control API over HTTP", async () => {
    const root = emulator.scimUrl.replace(/\/feeds\/business\/scim$/, "");
    await call("POST", "/Users", user("c@example.com"));
    const users = z.array(anyJson).parse(await (await fetch(`${root}/_emulator/users`)).json());
    expect(users.map((u) => u.userName)).toEqual(["c@example.com"]);
    const post = (path: string, body: unknown) =>
      fetch(`${root}${path}`, { method: "POST", body: JSON.stringify(body) });
    expect((await post("/_emulator/faults", { status429Rate: 2 })).status).toBe(400);
    expect((await post("/_emulator/faults", { status429Rate: 1, retryAfterSeconds: 7 })).status).toBe(200);
    const limited = await call("GET", "/Users");
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "7"]);
    await post("/_emulator/faults", {});
    expect((await call("GET", "/Users")).status).toBe(200);
    expect((await post("/_emulator/conflicts", { userNames: ["z@example.com"] })).status).toBe(200);
    expect((await call("POST", "/Users", user("Z@example.com"))).status).toBe(409);
    const stats = anyJson.parse(await (await fetch(`${root}/_emulator/stats`)).json());
    expect(stats.byMethod).toMatchObject({ GET: { "429": 1, "200": 1 }, POST: { "201": 1, "409": 1 } });
    expect((await post("/_emulator/reset", {})).status).toBe(204);
    expect(emulator.users()).toEqual([]);
  });

  it("plays a rate-limited ABM: over rateLimitPerSecond a SCIM 429 with a whole-second Retry-After", async () => {
    const root = emulator.scimUrl.replace(/\/feeds\/business\/scim$/, "");
    const post = (path: string, body: unknown) =>
      fetch(`${root}${path}`, { method: "POST", body: JSON.stringify(body) });
    expect((await post("/_emulator/faults", { rateLimitPerSecond: 0 })).status).toBe(400);
    expect((await post("/_emulator/faults", { rateLimitPerSecond: 3 })).status).toBe(200);
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await call("GET", "/Users"));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    const limited = answers[3];
    expect(limited?.headers.get("retry-after")).toBe("1");
    expect(limited?.json).toMatchObject({
      schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
      status: "429",
    });
    // a token comes back after 1/3 s
    await new Promise((r) => setTimeout(r, 400));
    expect((await call("GET", "/Users")).status).toBe(200);
    // unauthenticated requests are answered 401 and take no token
    expect((await call("GET", "/Users", undefined, "nope")).status).toBe(401);
    expect(emulator.stats().injected).toEqual({ status429: 0, status5xx: 0, resets: 0, rateLimited: 2 });
    expect(emulator.stats().byMethod.GET).toEqual({ "200": 4, "429": 2, "401": 1 });
  });

  it("keeps the faults it was started with across resets", async () => {
    const limited = await startAbmEmulator({ token: "t", faults: { rateLimitPerSecond: 1, latencyMs: 30 } });
    try {
      const get = () =>
        fetch(`${limited.scimUrl}/Users`, { headers: { authorization: "Bearer t" } }).then((r) => r.status);
      const started = performance.now();
      expect([await get(), await get()]).toEqual([200, 429]);
      expect(performance.now() - started).toBeGreaterThanOrEqual(60);
      limited.reset();
      expect(limited.stats().total).toBe(0);
      expect([await get(), await get()]).toEqual([200, 429]);
    } finally {
      await limited.close();
    }
  });
});
