import { describe, expect, it } from "vitest";
import type { ScimTarget } from "#core/ports/scim-target.js";
import type { Result } from "#core/result.js";
import type { TargetUser } from "#core/users.js";

/**
 * The behaviour every ScimTarget must show, whatever is behind it. `setup` gives a fresh,
 * empty target per test; `domain` is an e-mail domain the target accepts.
 */
export interface ContractSetup {
  readonly target: () => ScimTarget;
  readonly reset: () => Promise<void>;
  readonly domain: string;
}

function unwrap<T, E>(result: Result<T, E>): T {
  if (!result.ok) throw new Error(`expected ok, got ${JSON.stringify(result.error)}`);
  return result.value;
}

export function describeScimTargetContract(name: string, setup: ContractSetup): void {
  const user = (n: string, extra: Partial<TargetUser> = {}): TargetUser => ({
    userName: `${n}@${setup.domain}`,
    externalId: `ext-${n}`,
    active: true,
    givenName: `Given ${n}`,
    familyName: `Family ${n}`,
    email: `${n}@${setup.domain}`,
    locale: "en-US",
    employeeNumber: `E-${n}`,
    costCenter: "CC-1",
    division: "Division A",
    department: "Engineering",
    ...extra,
  });

  describe(`ScimTarget contract: ${name}`, () => {
    it("creates a user and reads back every canonical field", async () => {
      await setup.reset();
      const t = setup.target();
      const created = unwrap(await t.create(user("ann")));
      expect(created.id).not.toBe("");
      const { id: _id, version: _v, lastModified: _l, ...fields } = created;
      expect(fields).toEqual(user("ann"));
      const read = unwrap(await t.get(created.id));
      expect(read?.userName).toBe(`ann@${setup.domain}`);
      expect(read).toMatchObject(user("ann"));
    });

    it("creates a user with only the required fields (nulls are not sent)", async () => {
      await setup.reset();
      const t = setup.target();
      const bare = user("bare", {
        externalId: null,
        email: null,
        locale: null,
        employeeNumber: null,
        costCenter: null,
        division: null,
        department: null,
      });
      const created = unwrap(await t.create(bare));
      expect(created).toMatchObject(bare);
    });

    it("finds by externalId and by userName (case-insensitively), and answers null when absent", async () => {
      await setup.reset();
      const t = setup.target();
      const created = unwrap(await t.create(user("bob")));
      expect(unwrap(await t.findByExternalId("ext-bob"))?.id).toBe(created.id);
      expect(unwrap(await t.findByExternalId("EXT-BOB"))).toBeNull(); // externalId is case-exact
      expect(unwrap(await t.findByUserName(`BOB@${setup.domain.toUpperCase()}`))?.id).toBe(created.id);
      expect(unwrap(await t.findByUserName(`nobody@${setup.domain}`))).toBeNull();
      expect(unwrap(await t.findByExternalId("ext-nobody"))).toBeNull();
      expect(unwrap(await t.get("00000000-0000-0000-0000-000000000000"))).toBeNull();
    });

    it("refuses a second user with the same userName in another case as scim.conflict", async () => {
      await setup.reset();
      const t = setup.target();
      unwrap(await t.create(user("cat")));
      const again = await t.create(user("CAT", { externalId: "ext-other" }));
      expect(again.ok).toBe(false);
      if (!again.ok) {
        expect(again.error.code).toBe("scim.conflict");
        expect(again.error.retryable).toBe(false);
      }
    });

    it("patches only the given fields; null removes", async () => {
      await setup.reset();
      const t = setup.target();
      const created = unwrap(await t.create(user("dan")));
      const patched = unwrap(
        await t.patch(created.id, {
          givenName: "Daniel",
          department: null,
          locale: null,
          email: `daniel@${setup.domain}`,
        }),
      );
      const now = patched ?? unwrap(await t.get(created.id));
      expect(now).toMatchObject({
        ...user("dan"),
        givenName: "Daniel",
        department: null,
        locale: null,
        email: `daniel@${setup.domain}`,
      });
      const nothing = await t.patch(created.id, {});
      expect(nothing.ok).toBe(true);
    });

    it("deactivates and deletes; deleting twice reports scim.not_found", async () => {
      await setup.reset();
      const t = setup.target();
      const created = unwrap(await t.create(user("eve")));
      unwrap(await t.deactivate(created.id));
      expect(unwrap(await t.get(created.id))?.active).toBe(false);
      unwrap(await t.delete(created.id));
      expect(unwrap(await t.get(created.id))).toBeNull();
      const again = await t.delete(created.id);
      expect(again.ok ? "ok" : again.error.code).toBe("scim.not_found");
    });

    it("lists every user exactly once across pages", async () => {
      await setup.reset();
      const t = setup.target();
      const names = Array.from({ length: 23 }, (_, i) => `page${i}`);
      await Promise.all(names.map(async (n) => unwrap(await t.create(user(n)))));
      const seen: string[] = [];
      let pages = 0;
      for await (const page of t.list({ pageSize: 7 })) {
        pages++;
        seen.push(...unwrap(page).map((u) => u.userName));
      }
      expect(pages).toBe(4);
      expect(seen.sort()).toEqual(names.map((n) => `${n}@${setup.domain}`).sort());
    });
  });
}
