import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import postgres from "postgres";
import { type AppServices, openServices } from "#app/services.js";
import { loadConfig } from "#config/load-config.js";
import { systemClock } from "#core/clock.js";
import { randomIds } from "#core/ids.js";
import type { Logger } from "#core/logger.js";
import type { Actor, RunSummary } from "#core/ports/provisioning-engine.js";
import type { EmulatorProcess } from "./emulator-process.js";

export interface BenchDatabase {
  /** "pglite" or "postgres" */
  readonly kind: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  drop(): Promise<void>;
}

/**
 * PGlite in a fresh temp data directory (initialized in a short child process unless
 * `initInProcess`: see init-database.ts), or — with a server URL — a fresh database
 * `abm_bench_<hex>` created on that server and dropped afterwards (the server's own data is untouched).
 */
export async function createBenchDatabase(
  serverUrl: string | undefined,
  initInProcess = false,
): Promise<BenchDatabase> {
  const dataDir = await mkdtemp(join(tmpdir(), "abm-bench-"));
  const removeDir = () => rm(dataDir, { recursive: true, force: true });
  if (serverUrl === undefined || serverUrl === "") {
    if (!initInProcess) {
      const init = fileURLToPath(new URL("./init-database.ts", import.meta.url));
      const done = spawnSync(process.execPath, ["--import", "tsx", init, dataDir], { stdio: "inherit" });
      if (done.status !== 0) throw new Error(`initializing PGlite in ${dataDir} failed (${done.status})`);
    }
    return { kind: initInProcess ? "pglite-fresh" : "pglite", dataDir, databaseUrl: undefined, drop: removeDir };
  }
  const name = `abm_bench_${randomBytes(6).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    kind: "postgres",
    dataDir,
    databaseUrl: url.toString(),
    async drop() {
      const dropper = postgres(serverUrl, { max: 1, onnotice: () => undefined });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end({ timeout: 5 });
        await removeDir();
      }
    },
  };
}

export const BENCH_ACTOR: Actor = { id: "cli:bench", platform: "cli" };

export interface BenchServicesOptions {
  readonly emulators: EmulatorProcess;
  readonly database: BenchDatabase;
  readonly concurrency: number;
  readonly logger: Logger;
  readonly onProgress?: (done: number, total: number) => void;
  /** source users a full cycle plans and applies together (the engine's default otherwise) */
  readonly sliceSize?: number;
}

/** The real composition root (Graph client, SCIM client, native engine, repositories) on the child's emulators. */
export async function openBenchServices(options: BenchServicesOptions): Promise<AppServices> {
  const config = loadConfig({
    ...options.emulators.env,
    SYNC_SCOPE: "all",
    SYNC_CONCURRENCY: String(options.concurrency),
    DELETION_THRESHOLD: "500",
  });
  if (!config.ok) throw config.error;
  const opened = await openServices({
    config: config.value,
    targets: { default: options.emulators.targets },
    logger: options.logger,
    clock: systemClock,
    ids: randomIds,
    dataDir: options.database.dataDir,
    ...(options.database.databaseUrl === undefined ? {} : { databaseUrl: options.database.databaseUrl }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.sliceSize === undefined ? {} : { sliceSize: options.sliceSize }),
  });
  if (!opened.ok) throw opened.error;
  return opened.value;
}

/** One cycle through the engine, like `abm sync [--full]`; throws on an engine error. */
export async function runBenchCycle(services: AppServices, kind: "incremental" | "full"): Promise<RunSummary> {
  const run = await services.connections[0].engine.runCycle({ kind, trigger: "cli", actor: BENCH_ACTOR });
  if (!run.ok) throw run.error;
  return run.value;
}

/** the 1-minute load average: how busy the machine was (other processes included) */
export function load1(): number {
  return loadavg()[0] ?? Number.NaN;
}

/** `bench <name> key=value …` with numbers rounded to `digits` decimals. */
export function benchLine(name: string, fields: Readonly<Record<string, string | number>>, digits = 2): string {
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === "number" ? round(v, digits) : v}`);
  return `bench ${name} ${parts.join(" ")}\n`;
}

function round(v: number, digits: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(digits);
}
