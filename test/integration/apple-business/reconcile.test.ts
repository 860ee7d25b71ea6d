import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConnectionTargets, targetsFromEmulators } from "#app/connection.js";
import { assignDemoScope, type EmulatorPair, seedAppleDemo, startEmulators } from "#app/emulators.js";
import { type AppServices, openServices } from "#app/services.js";
import { loadConfig } from "#config/load-config.js";
import { systemClock } from "#core/clock.js";
import { randomIds } from "#core/ids.js";
import { silentLogger } from "#core/logger.js";
import type { MismatchKind } from "#core/reconcile/reconcile.js";
import { abmInProcess } from "#test/support/abm-in-process.js";
import { memoryDataDir } from "#test/support/pglite-template.js";

interface CliJson {
  readonly report: {
    readonly cycleCompleted: boolean;
    readonly counts: Record<MismatchKind, number>;
    readonly mismatches: readonly { readonly kind: MismatchKind; readonly account: string; readonly detail: string }[];
  };
  readonly error: { readonly code: string; readonly message: string };
}

/**
 * `abm reconcile` with the real clients: Graph and SCIM emulators for the sync, the Apple Business
 * API emulator (signature checked with the public key) for Apple's own users, one seeded world with
 * each kind of mismatch.
 */
describe("abm reconcile against the emulators", () => {
  let pair: EmulatorPair;
  let dir: string;
  const opened: AppServices[] = [];
  const env = {};
  const config = loadConfig(env);

  async function services(targets: ConnectionTargets): Promise<AppServices> {
    if (!config.ok) throw config.error;
    const result = await openServices({
      config: config.value,
      targets: { default: targets },
      logger: silentLogger,
      clock: systemClock,
      ids: randomIds,
      dataDir: await memoryDataDir(),
    });
    if (!result.ok) throw result.error;
    opened.push(result.value);
    return result.value;
  }

  async function abm(app: AppServices, ...argv: string[]) {
    const { code, stdout } = await abmInProcess(app, config, argv, env);
    return { code, stdout, json: () => JSON.parse(stdout) as CliJson };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "abm-reconcile-"));
    pair = await startEmulators({ users: 30, seed: 7, problemRate: 0 });
  });
  afterAll(async () => {
    for (const app of opened) await app.close();
    await pair?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("finds every kind of mismatch, changes nothing in Apple, and exports them as CSV", async () => {
    const { assignedIds, groupId } = assignDemoScope(pair.graph);
    const upn = (id: string | undefined): string =>
      String(pair.graph.store.users.get(id ?? "")?.user.userPrincipalName);
    // the demo's hand-made accounts: an administrator and a locked user colliding with Entra users, an orphan
    const seeded = seedAppleDemo(pair, assignedIds);
    const [, , missing, disabled, deleted, outOfScope, drifted] = assignedIds;
    pair.abm.addConflicts([upn(missing)]);
    const app = await services(targetsFromEmulators(pair));

    const early = await abm(app, "reconcile", "--json");
    expect(early.code).toBe(0);
    expect(early.json().report).toMatchObject({ cycleCompleted: false, counts: { missing_in_apple: 0 } });

    expect((await abm(app, "sync", "--json")).code).toBe(0);
    pair.graph.store.patchUser(disabled ?? "", { accountEnabled: false });
    pair.graph.store.deleteUser(deleted ?? "", false);
    pair.graph.store.removeMember(groupId, outOfScope ?? "");
    pair.graph.store.patchUser(drifted ?? "", { department: "Reconciled Dept" });
    const appleBefore = pair.apple.store.users().length;

    const csvPath = join(dir, "reconcile.csv");
    const result = await abm(app, "reconcile", "--csv", csvPath, "--json");
    expect(result.code).toBe(0);
    const report = result.json().report;
    expect(report.counts).toEqual({
      missing_in_apple: 1,
      orphan: 4,
      blocked_in_apple: 1,
      admin_skipped: 1,
      drift: 1,
    });
    const byKind = (kind: MismatchKind): string[] =>
      report.mismatches.filter((m) => m.kind === kind).map((m) => m.account);
    expect(byKind("admin_skipped")).toEqual([seeded.admin?.toLowerCase()]);
    expect(byKind("blocked_in_apple")).toEqual([seeded.locked?.toLowerCase()]);
    expect(byKind("missing_in_apple")).toEqual([upn(missing).toLowerCase()]);
    expect(byKind("drift")).toEqual([upn(drifted).toLowerCase()]);
    expect(byKind("orphan").sort()).toEqual(
      [seeded.orphan, upn(disabled), upn(deleted), upn(outOfScope)].map((a) => a.toLowerCase()).sort(),
    );
    const details = report.mismatches.map((m) => m.detail).join("\n");
    expect(details).toMatch(/disabled in Entra/);
    expect(details).toMatch(/out of the sync's scope in Entra/);
    expect(details).toMatch(/department: Entra "Reconciled Dept", Apple/);
    expect(pair.apple.store.users()).toHaveLength(appleBefore);
    const csv = readFileSync(csvPath, "utf8").split("\r\n");
    expect(csv[0]).toBe("kind,account,entraId,appleId,appleStatus,detail");
    expect(csv.filter((line) => line !== "")).toHaveLength(9);

    const text = await abm(app, "reconcile");
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Administrators the sync skips/);
    console.log(`--- abm reconcile (text) ---\n${text.stdout}`);
    const status = await abm(app, "status");
    expect(status.stdout).toMatch(/Reconcile\s+.*orphan|Reconcile\s+.*active in apple/i);
  });

  it("with a private key that is not the API account's, says so in one clear error", async () => {
    const wrongKey = join(dir, "other.pem");
    writeFileSync(
      wrongKey,
      generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey.export({ type: "pkcs8", format: "pem" }),
    );
    const targets = targetsFromEmulators(pair);
    if (targets.apple === undefined) throw new Error("the emulators give an Apple account");
    const app = await services({ ...targets, apple: { ...targets.apple, privateKeyPath: wrongKey } });
    const result = await abm(app, "reconcile", "--json");
    expect(result.code).toBe(1);
    expect(result.json().error).toMatchObject({
      code: "apple.bad_signature",
      message: expect.stringMatching(/^The private key in APPLE_API_PRIVATE_KEY does not match the key id /),
    });
  });

  it("without an Apple account, reconcile and status say how to turn it on", async () => {
    const { apple: _off, ...targets } = targetsFromEmulators(pair);
    const app = await services(targets);
    const result = await abm(app, "reconcile", "--json");
    expect(result.code).toBe(1);
    expect(result.json().error.code).toBe("apple.not_configured");
    const status = await abm(app, "status");
    expect(status.stdout).toMatch(
      /Set APPLE_API_CLIENT_ID, APPLE_API_KEY_ID and APPLE_API_PRIVATE_KEY to turn on `?reconcile/,
    );
  });
});
