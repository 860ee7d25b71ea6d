import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, expect, it } from "vitest";
import { MEMORY_DATA_DIR, openDatabase } from "#db/client.js";
import { createEngineStore } from "#db/repositories/engine-store.js";
import { createNamedValueStore } from "#db/repositories/watermark-repository.js";
import { describeEachDatabase, expectOk, freshConnection } from "#test/support/db.js";
import { memoryDataDir } from "#test/support/pglite-template.js";

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

it("memory://<dump file> starts in-memory PGlite from that dump (what tests use instead of an initdb per database)", async () => {
  const dir = await mkdtemp(join(tmpdir(), "abm-db-dump-"));
  dirs.push(dir);
  // the source: the tests' own new-cluster dump (no initdb here either), plus a row to find again
  const template = (await memoryDataDir()).slice(MEMORY_DATA_DIR.length);
  const source = new PGlite({ loadDataDir: new Blob([await readFile(template)]) });
  try {
    await source.waitReady;
    await source.exec("create table dumped (note text); insert into dumped values ('from the dump');");
    await writeFile(join(dir, "dump.tar"), Buffer.from(await (await source.dumpDataDir("none")).arrayBuffer()));
  } finally {
    await source.close();
  }
  const opened = expectOk(await openDatabase({ dataDir: `${MEMORY_DATA_DIR}${join(dir, "dump.tar")}` }));
  try {
    expect(opened.kind).toBe("pglite");
    expect(await opened.db.execute("select note from dumped")).toMatchObject({ rows: [{ note: "from the dump" }] });
    const connectionId = await freshConnection(opened.db); // migrated like any new database
    await createNamedValueStore(opened.db, connectionId, () => T0).set("users.cursor", "in memory");
    expect(await createNamedValueStore(opened.db, connectionId, () => T0).get("users.cursor")).toBe("in memory");
  } finally {
    await opened.close();
  }

  const missing = await openDatabase({ dataDir: `${MEMORY_DATA_DIR}${join(dir, "missing.tar")}` });
  expect(missing.ok).toBe(false);
  if (missing.ok) return;
  expect(missing.error.code).toBe("db.unavailable");
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
