import { describe, expect, it } from "vitest";
import { decodeToken, encodeToken } from "#emulators/graph/delta-tokens.js";
import { parseEqualityFilter } from "#emulators/graph/odata.js";
import { createPrng } from "#emulators/graph/prng.js";
import { seedUsers, VERIFIED_DOMAIN } from "#emulators/graph/seed.js";
import { createGraphStore } from "#emulators/graph/store.js";

describe("emulator OData filter", () => {
  it("parses eq clauses joined by or, with doubled quotes", () => {
    expect(parseEqualityFilter("mail eq 'o''brien@contoso.com' or userPrincipalName eq 'a#EXT#@b'")).toEqual([
      { property: "mail", value: "o'brien@contoso.com" },
      { property: "userPrincipalName", value: "a#EXT#@b" },
    ]);
  });

  it("rejects what it does not understand, including an unescaped quote", () => {
    expect(() => parseEqualityFilter("mail eq 'o'brien'")).toThrow(/Invalid filter clause/);
    expect(() => parseEqualityFilter("startswith(mail,'a')")).toThrow(/Invalid filter clause/);
  });
});

describe("emulator delta tokens", () => {
  it("round-trip, and garbage is refused", () => {
    const state = { k: "delta" as const, e: 2, sel: ["id", "mail"], s: 42 };
    expect(decodeToken(encodeToken(state))).toEqual(state);
    expect(decodeToken("not-a-token")).toBeNull();
  });
});

describe("emulator seeding", () => {
  it("is deterministic, fast, and gives the configured share of problems", () => {
    const store = createGraphStore(createPrng(1), () => new Date(0));
    const started = performance.now();
    seedUsers(store, createPrng(9), 100_000, 0.1);
    // a guard against accidental quadratic work (about 1 s on an idle 2-core machine)
    expect(performance.now() - started).toBeLessThan(15_000);
    const users = [...store.users.values()].map((r) => r.user);
    expect(users).toHaveLength(100_000);
    const problems = users.filter(
      (u) =>
        u.givenName === null ||
        u.surname === null ||
        u.mail === null ||
        !String(u.userPrincipalName).endsWith(`@${VERIFIED_DOMAIN}`) ||
        !String(u.mail).startsWith(String(u.userPrincipalName).split("@")[0] ?? "?"),
    );
    expect(problems.length / users.length).toBeGreaterThan(0.07);
    expect(problems.length / users.length).toBeLessThan(0.13);

    const again = createGraphStore(createPrng(1), () => new Date(0));
    seedUsers(again, createPrng(9), 10, 0.1);
    const strip = ({ createdDateTime: _created, ...rest }: Record<string, unknown>) => rest;
    expect([...again.users.values()].map((r) => strip(r.user))).toEqual(users.slice(0, 10).map(strip));
  });
});
