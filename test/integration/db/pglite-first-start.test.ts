import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { openDatabase } from "#db/client.js";
import { createNamedValueStore } from "#db/repositories/watermark-repository.js";
import { expectOk, freshConnection } from "#test/support/db.js";

/**
 * A first start on embedded PGlite: the new cluster is made by a short child process (initdb grows
 * PGlite's WebAssembly heap to ~630 MB, which never shrinks), then opened here like an existing one.
 */
const T0 = new Date("2026-03-01T10:00:00Z");
const MB = 2 ** 20;
const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function scratch(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "abm-first-"));
  dirs.push(dir);
  return dir;
}

it("a new data directory is created by a child: usable here and after a reopen (its data under <dataDir>/pglite), and this process holds an opened cluster's heap, not initdb's", async () => {
  const dataDir = await scratch();
  const externalBefore = process.memoryUsage().external;
  const first = expectOk(await openDatabase({ dataDir }));
  // PGlite's WebAssembly memory is external memory: ~200 MB for an existing cluster, ~630 MB after initdb
  const grownMb = (process.memoryUsage().external - externalBefore) / MB;
  let connectionId: string;
  try {
    expect(first.kind).toBe("pglite");
    expect(grownMb).toBeLessThan(400);
    connectionId = await freshConnection(first.db);
    await createNamedValueStore(first.db, connectionId, () => T0).set("users.cursor", "kept");
  } finally {
    await first.close();
  }
  await first.close(); // a second close is harmless
  expect((await readdir(dataDir)).sort()).toEqual(["pglite"]); // no staging directory left behind
  const second = expectOk(await openDatabase({ dataDir, url: "" })); // an empty DATABASE_URL is the embedded database too
  try {
    expect(await createNamedValueStore(second.db, connectionId, () => T0).get("users.cursor")).toBe("kept");
  } finally {
    await second.close();
  }
});

it("an empty pglite directory and a staging directory left by an interrupted first start count as new", async () => {
  const dataDir = await scratch();
  await mkdir(join(dataDir, "pglite"), { mode: 0o700 });
  await mkdir(join(dataDir, "pglite.initdb"), { mode: 0o700 });
  await writeFile(join(dataDir, "pglite.initdb", "half-made"), "x");
  const opened = expectOk(await openDatabase({ dataDir }));
  try {
    await freshConnection(opened.db);
  } finally {
    await opened.close();
  }
  expect(existsSync(join(dataDir, "pglite", "PG_VERSION"))).toBe(true);
  expect(existsSync(join(dataDir, "pglite.initdb"))).toBe(false);
});
