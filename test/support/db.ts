import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { afterAll, beforeAll, describe } from "vitest";
import { type DatabaseHandle, MEMORY_DATA_DIR, openDatabase } from "#db/client.js";
import type { Database, DatabaseKind } from "#db/database.js";
import { ensureConnection } from "#db/repositories/connection-repository.js";
import { memoryDataDir } from "./pglite-template.js";

/**
 * One shared suite, two drivers: every repository test runs on in-memory PGlite and, when
 * `TEST_DATABASE_URL` is set, on a real Postgres — a fresh `abm_t_<random>` database per test
 * file, dropped afterwards, so concurrent test files and other engineers never collide.
 */
export interface TestDatabase {
  readonly kind: DatabaseKind;
  readonly db: Database;
  /** an independent client on the same database (Postgres: its own connections; PGlite: the same instance) */
  readonly other: Database;
}

interface DatabaseCase {
  readonly kind: DatabaseKind;
  open(): Promise<{ readonly database: TestDatabase; close(): Promise<void> }>;
}

function unwrap(result: Awaited<ReturnType<typeof openDatabase>>): DatabaseHandle {
  if (!result.ok) throw result.error;
  return result.value;
}

const pgliteCase: DatabaseCase = {
  kind: "pglite",
  async open() {
    const handle = unwrap(await openDatabase({ dataDir: await memoryDataDir() }));
    return { database: { kind: "pglite", db: handle.db, other: handle.db }, close: () => handle.close() };
  },
};

/** A fresh `abm_t_<random>` database on the server of `adminUrl`: its URL, and `drop()` for afterwards. */
export async function freshPostgresDatabase(
  adminUrl: string,
): Promise<{ readonly url: string; drop(): Promise<void> }> {
  const name = `abm_t_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    },
  };
}

function postgresCase(adminUrl: string): DatabaseCase {
  return {
    kind: "postgres",
    async open() {
      const fresh = await freshPostgresDatabase(adminUrl);
      const first = unwrap(await openDatabase({ url: fresh.url, dataDir: MEMORY_DATA_DIR }));
      const second = unwrap(await openDatabase({ url: fresh.url, dataDir: MEMORY_DATA_DIR, maxConnections: 4 }));
      return {
        database: { kind: "postgres", db: first.db, other: second.db },
        async close() {
          await first.close();
          await second.close();
          await fresh.drop();
        },
      };
    },
  };
}

/** PGlite always; the real Postgres too when `TEST_DATABASE_URL` is set. */
function databaseCases(): readonly DatabaseCase[] {
  const url = process.env.TEST_DATABASE_URL;
  return url === undefined || url === "" ? [pgliteCase] : [pgliteCase, postgresCase(url)];
}

/** Declares `suite` once per database case; `current()` is valid inside tests and hooks. */
export function describeEachDatabase(title: string, suite: (current: () => TestDatabase) => void): void {
  for (const databaseCase of databaseCases()) {
    describe(`${title} [${databaseCase.kind}]`, () => {
      let opened: Awaited<ReturnType<DatabaseCase["open"]>> | undefined;
      beforeAll(async () => {
        opened = await databaseCase.open();
      }, 120_000);
      afterAll(async () => {
        await opened?.close();
      });
      suite(() => {
        if (opened === undefined) throw new Error("the test database is not open yet");
        return opened.database;
      });
    });
  }
}

/** A fresh connection row so each test works on its own data in the shared database. */
export async function freshConnection(db: Database, now = new Date("2026-01-01T00:00:00Z")): Promise<string> {
  const id = `con_${randomBytes(6).toString("hex")}`;
  await ensureConnection(db, { id, name: "test", engine: "native", scope: "assigned", now });
  return id;
}

/** Unwraps a store result in tests (fails the test with the AppError when it is an error). */
export function expectOk<T>(
  result: { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: Error },
): T {
  if (!result.ok) throw result.error;
  return result.value;
}
