import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AppleBusinessClient, createAppleBusinessClient } from "#adapters/apple-business/index.js";
import { systemClock } from "#core/clock.js";
import { silentLogger } from "#core/logger.js";
import { type AppleBusinessEmulator, startAppleBusinessEmulator } from "#emulators/apple-business/server.js";
import { appleClientFor } from "#test/support/apple.js";

let emulator: AppleBusinessEmulator;
let scratch: string;

beforeAll(async () => {
  emulator = await startAppleBusinessEmulator();
  scratch = mkdtempSync(join(tmpdir(), "apple-client-test-"));
});
afterAll(async () => {
  await emulator.close();
  rmSync(scratch, { recursive: true, force: true });
});
afterEach(async () => {
  await fetch(`${emulator.apiUrl.replace(/\/v1$/, "")}/_emulator/reset`, { method: "POST" });
});

const client = (overrides: Parameters<typeof appleClientFor>[1] = {}): AppleBusinessClient =>
  appleClientFor(emulator, overrides);

async function control(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${emulator.apiUrl.replace(/\/v1$/, "")}/_emulator/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBeLessThan(300);
}

function seedUsers(count: number): void {
  for (let i = 0; i < count; i += 1)
    emulator.store.addUser(
      {
        managedAppleAccount: `user${i}@contoso.example`,
        email: `user${i}@contoso.example`,
        firstName: `User${i}`,
        lastName: "Test",
        status: "ACTIVE",
        isExternalUser: false,
        roleOuList: [{ roleName: "Staff", ouId: "ou-1" }],
      },
      new Date(),
    );
}

function otherKeyFile(kind: "p256" | "p384" | "rsa" | "text"): string {
  const path = join(scratch, `${kind}.pem`);
  if (kind === "text") writeFileSync(path, "not a key\n");
  else {
    const pair =
      kind === "rsa"
        ? generateKeyPairSync("rsa", { modulusLength: 2048 })
        : generateKeyPairSync("ec", { namedCurve: kind === "p256" ? "prime256v1" : "secp384r1" });
    writeFileSync(path, pair.privateKey.export({ type: "pkcs8", format: "pem" }));
  }
  return path;
}

describe("Apple Business API client against the emulator (loopback)", () => {
  it("signs in with an ES256 assertion the emulator verifies with the public key, and caches the token", async () => {
    seedUsers(3);
    const apple = client();
    const first = await apple.listUsers();
    const second = await apple.listUsers();
    expect(first.ok && first.value.length).toBe(3);
    expect(second.ok).toBe(true);
    expect(emulator.stats()).toMatchObject({ tokensIssued: 1, tokensRefused: 0, requests: 2 });
  });

  it("reads every page (limit 1000, meta.paging.nextCursor) and nothing twice", async () => {
    seedUsers(2_345);
    const apple = client();
    const users = await apple.listUsers();
    if (!users.ok) throw users.error;
    expect(users.value).toHaveLength(2_345);
    expect(new Set(users.value.map((u) => u.id)).size).toBe(2_345);
    expect(apple.requestCount()).toBe(3);
  });

  it("waits out 429 + Retry-After and then succeeds; gives up with apple.rate_limited when it keeps coming", async () => {
    seedUsers(2);
    await control("faults", { status429Count: 2, retryAfterSeconds: 1 });
    const apple = client();
    const started = Date.now();
    const users = await apple.listUsers();
    expect(users.ok).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(emulator.stats().rateLimited).toBe(2);

    await control("faults", { status429Count: 10, retryAfterSeconds: 0 });
    const refused = await apple.listUsers();
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe("apple.rate_limited");
  });

  it("reads user groups, their members and audit events with filters", async () => {
    seedUsers(2);
    const [a, b] = emulator.store.users();
    emulator.store.addGroup({ id: "g1", name: "Sales", userIds: [a?.id ?? "", b?.id ?? ""] });
    emulator.store.addEvent({
      eventDateTime: "2026-12-01T10:00:00Z",
      type: "ACCOUNT_ADDED",
      actorType: "USER",
      outcome: "SUCCESS",
      actorId: "admin-1",
    });
    emulator.store.addEvent({
      eventDateTime: "2026-12-02T10:00:00Z",
      type: "DOMAIN_ADDED",
      actorType: "USER",
      outcome: "FAILURE",
      actorId: "admin-2",
    });
    const apple = client();
    const groups = await apple.listUserGroups();
    expect(groups.ok && groups.value.map((g) => g.attributes.name)).toEqual(["Sales"]);
    const members = await apple.listGroupUserIds("g1");
    expect(members.ok && members.value).toEqual([a?.id, b?.id]);
    const events = await apple.listAuditEvents({ start: new Date("2026-12-01T12:00:00Z") });
    expect(events.ok && events.value.map((e) => e.type)).toEqual(["DOMAIN_ADDED"]);
    const byActor = await apple.listAuditEvents({ start: new Date("2026-11-01T00:00:00Z"), actorId: "admin-1" });
    expect(byActor.ok && byActor.value.map((e) => e.type)).toEqual(["ACCOUNT_ADDED"]);
    const missing = await apple.getUser("nobody");
    expect(!missing.ok && missing.error.code).toBe("apple.not_found");
  });

  it("says which credential is wrong", async () => {
    const codeOf = async (apple: AppleBusinessClient): Promise<string> => {
      const result = await apple.listUsers();
      if (result.ok) throw new Error("expected a refusal");
      return `${result.error.code}: ${result.error.message}`;
    };
    expect(await codeOf(client({ clientId: "BUSINESSAPI.00000000-0000-0000-0000-000000000000" }))).toMatch(
      /^apple\.unknown_client: Apple does not know the client id APPLE_API_CLIENT_ID=BUSINESSAPI\.0000/,
    );
    expect(await codeOf(client({ keyId: "wrong-key-id" }))).toMatch(
      /^apple\.key_mismatch: Apple does not know the key id APPLE_API_KEY_ID=wrong-key-id/,
    );
    expect(await codeOf(client({ privateKeyPath: otherKeyFile("p256") }))).toMatch(
      /^apple\.bad_signature: The private key in APPLE_API_PRIVATE_KEY does not match/,
    );
    await control("revoke-key", {});
    expect(await codeOf(client())).toMatch(/^apple\.key_expired: /);
  });

  it("refuses a bad private key file before any request", () => {
    const reasons = [join(scratch, "missing.pem"), otherKeyFile("text"), otherKeyFile("rsa"), otherKeyFile("p384")].map(
      (path) => {
        const made = createAppleBusinessClient({
          clientId: emulator.clientId,
          keyId: emulator.keyId,
          privateKeyPath: path,
          apiUrl: emulator.apiUrl,
          tokenUrl: emulator.tokenUrl,
          clock: systemClock,
          logger: silentLogger,
        });
        return made.ok ? "accepted" : `${made.error.code} ${made.error.message.replace(scratch, "<dir>")}`;
      },
    );
    expect(reasons).toEqual([
      "apple.private_key APPLE_API_PRIVATE_KEY: <dir>/missing.pem does not exist.",
      "apple.private_key APPLE_API_PRIVATE_KEY: <dir>/text.pem is not a PEM private key.",
      "apple.private_key APPLE_API_PRIVATE_KEY: <dir>/rsa.pem holds an RSA key, not an EC P-256 key.",
      "apple.private_key APPLE_API_PRIVATE_KEY: <dir>/p384.pem holds an EC key on secp384r1, not an EC P-256 key.",
    ]);
  });
});
