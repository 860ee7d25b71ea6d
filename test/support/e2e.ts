import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { type ConnectionTargets, targetsFromEmulators } from "#app/connection.js";
import { type EmulatorOptions, type EmulatorPair, startEmulators } from "#app/emulators.js";
import { type AppServices, type ConnectionServices, openServices } from "#app/services.js";
import { loadConfig } from "#config/load-config.js";
import { type Clock, systemClock } from "#core/clock.js";
import { randomIds } from "#core/ids.js";
import { type Logger, silentLogger } from "#core/logger.js";
import type { Actor, RunSummary } from "#core/ports/provisioning-engine.js";
import type { GraphEmulator } from "#emulators/graph/start-graph-emulator.js";
import { type RecordingProxy, startRecordingProxy } from "../e2e/support/recording-proxy.js";
import { memoryDataDir, seedPgliteDataDir } from "./pglite-template.js";

/**
 * End-to-end harness: both emulators in this process, the real Graph and SCIM clients, the native
 * engine from the composition root (`openServices`), on PGlite (in memory, or a data directory on disk
 * when a restart or a child process must reopen it) and, when `TEST_DATABASE_URL` is set, on a fresh
 * Postgres database per harness.
 */
export type E2eDatabaseKind = "pglite" | "postgres";

export interface E2eDatabase {
  readonly kind: E2eDatabaseKind;
  /** Postgres: the fresh database's URL; PGlite: undefined */
  readonly databaseUrl: string | undefined;
  /** PGlite: the data directory (the database lives in `<dataDir>/pglite`) */
  readonly dataDir: string;
  drop(): Promise<void>;
}

/** PGlite always; Postgres too when `TEST_DATABASE_URL` is set. */
export function e2eDatabaseKinds(): readonly E2eDatabaseKind[] {
  const url = process.env.TEST_DATABASE_URL;
  return url === undefined || url === "" ? ["pglite"] : ["pglite", "postgres"];
}

/**
 * A fresh database. PGlite is in memory unless `persistent` (a data directory on disk, needed when
 * the services are reopened or another process opens it); Postgres always persists.
 */
export async function createE2eDatabase(
  kind: E2eDatabaseKind,
  options: { readonly persistent?: boolean } = {},
): Promise<E2eDatabase> {
  if (kind === "pglite" && options.persistent !== true) {
    return { kind, databaseUrl: undefined, dataDir: await memoryDataDir(), drop: async () => undefined };
  }
  const dataDir = await mkdtemp(join(tmpdir(), "abm-e2e-"));
  const removeDir = () => rm(dataDir, { recursive: true, force: true });
  if (kind === "pglite") {
    await seedPgliteDataDir(dataDir); // a new but existing database: the first start is tested on its own
    return { kind, databaseUrl: undefined, dataDir, drop: removeDir };
  }
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (adminUrl === undefined || adminUrl === "") throw new Error("TEST_DATABASE_URL is not set");
  const name = `abm_e2e_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    kind,
    databaseUrl: url.toString(),
    dataDir,
    async drop() {
      const dropper = postgres(adminUrl, { max: 1, onnotice: () => undefined });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end({ timeout: 5 });
        await removeDir();
      }
    },
  };
}

/** The configuration variables the composition root needs; targets come from the emulators anyway. */
function e2eEnv(pair: EmulatorPair, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  return {
    ABM_SCIM_TOKEN: pair.abm.token,
    AZURE_TENANT_ID: pair.graph.tenantId,
    AZURE_CLIENT_ID: pair.graph.clientId,
    AZURE_CLIENT_SECRET: pair.graph.clientSecret,
    ABM_SERVICE_PRINCIPAL_ID: pair.graph.servicePrincipalId,
    ABM_VERIFIED_DOMAINS: pair.graph.verifiedDomain,
    SYNC_SCOPE: "all",
    SYNC_CONCURRENCY: "8",
    DELETION_THRESHOLD: "500",
    ...extra,
  };
}

/** A clock `offsetMs` ahead of the system clock (a restart that happens later, e.g. after a lease expired). */
export function offsetClock(offsetMs: number): Clock {
  return { now: () => new Date(Date.now() + offsetMs), sleep: systemClock.sleep };
}

export const CLI_ACTOR: Actor = { id: "cli:e2e", platform: "cli" };

export interface E2eOptions {
  readonly database: E2eDatabase;
  readonly emulators?: EmulatorOptions;
  /** extra configuration variables (SYNC_SCOPE, DELETION_THRESHOLD, ABM_APPROVERS…) */
  readonly env?: Readonly<Record<string, string>>;
  /** route SCIM through a loopback proxy that records every request the client sends */
  readonly recordScim?: boolean;
  /** the services' logger (default: silent) */
  readonly logger?: Logger;
  /** source users a full cycle plans and applies together (default: the engine's) */
  readonly sliceSize?: number;
}

export interface E2eHarness {
  readonly pair: EmulatorPair;
  readonly graph: GraphEmulator;
  readonly database: E2eDatabase;
  /** the recording proxy (`recordScim`), else null */
  readonly proxy: RecordingProxy | null;
  /** the configuration variables the services were opened with */
  env(): Readonly<Record<string, string>>;
  /** the open services (reopen() replaces them) */
  services(): AppServices;
  /** the one connection of the open services */
  connection(): ConnectionServices;
  /** closes the services (the process "stops"), so another process may open the database */
  release(): Promise<void>;
  /** closes the services (if open) and opens them again on the same database (a process restart) */
  reopen(options?: { env?: Readonly<Record<string, string>>; clock?: Clock }): Promise<AppServices>;
  /** one cycle through the engine (the CLI's `sync [--full]`); fails the test on an engine error */
  sync(kind?: "incremental" | "full"): Promise<RunSummary>;
  close(): Promise<void>;
}

async function openE2eServices(
  pair: EmulatorPair,
  database: E2eDatabase,
  env: Readonly<Record<string, string>>,
  clock: Clock,
  options: Pick<E2eOptions, "logger" | "sliceSize"> & { readonly scimUrl?: string | undefined },
): Promise<AppServices> {
  const { scimUrl, logger = silentLogger, sliceSize } = options;
  const config = loadConfig(env);
  if (!config.ok) throw config.error;
  const base = targetsFromEmulators(pair);
  const targets: ConnectionTargets = scimUrl === undefined ? base : { ...base, scim: { ...base.scim, url: scimUrl } };
  const opened = await openServices({
    config: config.value,
    targets: { default: targets },
    logger,
    clock,
    ids: randomIds,
    dataDir: database.dataDir,
    ...(database.databaseUrl === undefined ? {} : { databaseUrl: database.databaseUrl }),
    ...(sliceSize === undefined ? {} : { sliceSize }),
  });
  if (!opened.ok) throw opened.error;
  return opened.value;
}

/** Starts both emulators and opens services on `database`; `close()` stops everything and drops it. */
export async function startE2e(options: E2eOptions): Promise<E2eHarness> {
  const pair = await startEmulators(options.emulators ?? {});
  let env = e2eEnv(pair, options.env);
  let proxy: RecordingProxy | null = null;
  let services: AppServices;
  let open = false;
  try {
    if (options.recordScim === true) proxy = await startRecordingProxy(pair.abm.scimUrl);
    services = await openE2eServices(pair, options.database, env, systemClock, { ...options, scimUrl: proxy?.url });
    open = true;
  } catch (error) {
    await proxy?.close();
    await pair.close();
    throw error;
  }
  return {
    pair,
    graph: pair.graph,
    database: options.database,
    proxy,
    env: () => env,
    services: () => {
      if (!open) throw new Error("the services are released; reopen() them first");
      return services;
    },
    connection: () => {
      if (!open) throw new Error("the services are released; reopen() them first");
      return services.connections[0];
    },
    async release() {
      if (!open) return;
      open = false;
      await services.close();
    },
    async reopen(next = {}) {
      if (open) await services.close();
      open = false;
      env = next.env === undefined ? env : { ...env, ...next.env };
      services = await openE2eServices(pair, options.database, env, next.clock ?? systemClock, {
        ...options,
        scimUrl: proxy?.url,
      });
      open = true;
      return services;
    },
    async sync(kind = "incremental") {
      if (!open) throw new Error("the services are released; reopen() them first");
      const run = await services.connections[0].engine.runCycle({ kind, trigger: "cli", actor: CLI_ACTOR });
      if (!run.ok) throw run.error;
      return run.value;
    },
    async close() {
      if (open) await services.close().catch(() => undefined);
      open = false;
      await proxy?.close();
      await pair.close();
      await options.database.drop();
    },
  };
}
