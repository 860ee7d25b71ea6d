import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type GraphEmulator, startGraphEmulator } from "#emulators/graph/start-graph-emulator.js";
import { seedPgliteDataDir } from "#test/support/pglite-template.js";
import { addUser, theJob } from "../entra-provisioning/support/entra-fixture.js";
import { type AbmRun, runAbm } from "./run-abm.js";

/** one `abm` process opens PGlite and runs tsx: seconds each, far more on a loaded machine */
const STEP_MS = 90_000;
const TEST_MS = 6 * STEP_MS;

interface ListedApproval {
  readonly id: string;
  readonly kind: string;
  readonly status: string;
  readonly count: number;
}

function json(run: AbmRun): Record<string, unknown> {
  const lines = run.stdout.trim().split("\n");
  expect(lines, `exactly one JSON document on stdout (stderr: ${run.stderr})`).toHaveLength(1);
  return JSON.parse(lines[0] ?? "") as Record<string, unknown>;
}

function approvalsOf(run: AbmRun): ListedApproval[] {
  expect(run.code, run.stderr).toBe(0);
  const doc = json(run);
  expect(doc.ok).toBe(true);
  return doc.approvals as ListedApproval[];
}

/**
 * Issue 14: the entra engine's TooManyDeletes quarantine is an approval that the CLI can list,
 * approve and reject with NO service running — every step is its own `abm` process that opens the
 * data directory, reads the job and answers. Approving sends exactly one restart with ForceDeletes;
 * a second approve and a reject send nothing to Entra.
 */
describe("abm approvals with the entra engine, one process per command, no service", () => {
  let emulator: GraphEmulator;
  let dataDir: string;
  let env: Record<string, string>;

  const abm = (...args: string[]) => runAbm(args, env, STEP_MS);
  const writes = () => emulator.synchronization.requests;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "abm-cli-entra-"));
    await seedPgliteDataDir(dataDir); // an earlier run's database: these commands are not the first start
    emulator = await startGraphEmulator({ seed: 14 });
    addUser(emulator, "alice");
    env = {
      ABM_ENGINE: "entra",
      ABM_DATA_DIR: dataDir,
      AZURE_TENANT_ID: emulator.tenantId,
      AZURE_CLIENT_ID: emulator.clientId,
      AZURE_CLIENT_SECRET: emulator.clientSecret,
      AZURE_AUTHORITY_HOST: emulator.authorityHost,
      GRAPH_BASE_URL: emulator.baseUrl,
      ABM_SERVICE_PRINCIPAL_ID: emulator.servicePrincipalId,
      NODE_EXTRA_CA_CERTS: emulator.caCertPath,
      LOG_FORMAT: "json",
    };
  });
  afterAll(async () => {
    await emulator?.close();
    rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
  });

  it(
    "quarantine → approvals lists it → approve restarts once with ForceDeletes → a second approve is refused",
    async () => {
      emulator.synchronization.quarantine(theJob(emulator), "TooManyDeletes", 612);
      writes().length = 0;

      const listed = approvalsOf(await abm("approvals", "--json"));
      const open = listed.filter((a) => a.status === "pending");
      expect(open).toHaveLength(1);
      const held = open[0] ?? expect.unreachable();
      expect(held.id).toMatch(/^apr_entra_/);
      expect(held.count).toBe(612);
      expect(writes(), "listing writes nothing to Entra").toEqual([]);

      const approve = await abm("approve", held.id, "--json");
      expect(approve.code, approve.stdout + approve.stderr).toBe(0);
      expect(json(approve)).toMatchObject({ ok: true });
      expect(writes()).toEqual([
        {
          method: "POST",
          path: `/v1.0/servicePrincipals/${emulator.servicePrincipalId}/synchronization/jobs/${theJob(emulator).id}/restart`,
          body: { criteria: { resetScope: "ForceDeletes" } },
        },
      ]);
      expect(theJob(emulator).code).not.toBe("Quarantine");

      const again = await abm("approve", held.id, "--json");
      expect(again.code, again.stdout + again.stderr).toBe(1);
      const error = (json(again).error ?? {}) as { code?: string; message?: string };
      // a decided batch says so, whoever asks again
      expect(error.code).toBe("approval.closed");
      expect(error.message ?? "").toContain("already approved and applied");
      expect(writes(), "the second approve sends no second restart").toHaveLength(1);

      const after = approvalsOf(await abm("approvals", "--json"));
      expect(after.filter((a) => a.status === "pending")).toEqual([]);
      expect(writes()).toHaveLength(1);
    },
    TEST_MS,
  );

  it(
    "reject on a fresh quarantine episode sends nothing to Entra",
    async () => {
      emulator.synchronization.quarantine(theJob(emulator), "TooManyDeletes", 700);
      writes().length = 0;

      const open = approvalsOf(await abm("approvals", "--json")).filter((a) => a.status === "pending");
      expect(open).toHaveLength(1);
      const held = open[0] ?? expect.unreachable();
      expect(held.id).toMatch(/^apr_entra_/);
      expect(held.count).toBe(700);

      const reject = await abm("reject", held.id, "--json");
      expect(reject.code, reject.stdout + reject.stderr).toBe(0);
      expect(json(reject)).toMatchObject({ ok: true });
      expect(writes(), "a reject never writes to Entra").toEqual([]);
      expect(theJob(emulator).code).toBe("Quarantine");

      const text = await abm("approvals");
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).not.toContain(held.id);
      const after = approvalsOf(await abm("approvals", "--json"));
      expect(after.filter((a) => a.status === "pending")).toEqual([]);
      expect(writes()).toEqual([]);
    },
    TEST_MS,
  );
});
