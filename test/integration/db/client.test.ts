import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openDatabase } from "#db/client.js";
import { createEngineStore } from "#db/repositories/engine-store.js";
import { createNamedValueStore } from "#db/repositories/watermark-repository.js";
import { describeEachDatabase, expectOk, freshConnection } from "#test/support/db.js";

const T0 = new Date("2026-03-01T10:00:00Z");

describeEachDatabase("database client", (current) => {
  it("stores work inside a transaction, and a rollback undoes their writes", async () => {
    const { db } = current();
    const connectionId = await freshConnection(db);
    await db.transaction(async (tx) => {
      await createNamedValueStore(tx, connectionId, () => T0).set("users.cursor", "kept");
    });
    await expect(
      db.transaction(async (tx) => {
        await createNamedValueStore(tx, connectionId, () => T0).set("users.cursor", "rolled back");
        await createEngineStore(tx, connectionId, () => T0).startRun({
          id: `${connectionId}_run`,
          kind: "incremental",
          trigger: "cli",
          actor: "cli:me",
          startedAt: T0,
        });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect(await createNamedValueStore(db, connectionId, () => T0).get("users.cursor")).toBe("kept");
    expect(await createEngineStore(db, connectionId, () => T0).runs(10)).toEqual([]);
  });
});

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

it("embedded PGlite keeps its data under <dataDir>/pglite across reopen", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "abm-db-"));
  dirs.push(dataDir);
  const first = expectOk(await openDatabase({ dataDir }));
  expect(first.kind).toBe("pglite");
  const connectionId = await freshConnection(first.db);
  await createNamedValueStore(first.db, connectionId, () => T0).set("users.cursor", "persisted");
  await first.close();
  await first.close();
  const second = expectOk(await openDatabase({ dataDir, url: "" }));
  try {
    expect(await createNamedValueStore(second.db, connectionId, () => T0).get("users.cursor")).toBe("persisted");
  } finally {
    await second.close();
  }
});

it("an unreachable Postgres answers db.unavailable (retryable) without leaking the URL's password", async () => {
  const result = await openDatabase({ url: "postgres://abm:s3cret-pw@127.0.0.1:1/abm", dataDir: "memory://" });
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.error.code).toBe("db.unavailable");
  expect(result.error.retryable).toBe(true);
  expect(JSON.stringify(result.error.toJSON())).not.toContain("s3cret-pw");
  expect(result.error.message).not.toContain("s3cret-pw");
});
