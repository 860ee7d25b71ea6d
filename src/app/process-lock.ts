import { randomBytes } from "node:crypto";
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { AppError } from "#core/errors.js";
import { err, ok, type Result } from "#core/result.js";

/**
 * Embedded PGlite may be opened by ONE process at a time. The owner writes `owner.json` in the data
 * directory: its pid, what it is (`serve` or a one-shot `cli` command) and, for a running service,
 * the path of its admin socket (in the data directory, mode 0600) and a random token, so CLI
 * commands can reach the service instead of opening the database themselves.
 */
const ownerSchema = z.object({
  pid: z.number().int(),
  kind: z.enum(["serve", "cli"]),
  command: z.string(),
  startedAt: z.string(),
  /** absent in files written before the admin channel moved to a Unix socket */
  adminSocket: z.string().nullable().default(null),
  token: z.string().nullable(),
});

export type DataDirOwner = z.infer<typeof ownerSchema>;

export interface DataDirLock {
  readonly dataDir: string;
  readonly owner: DataDirOwner;
  /** a running service publishes the path of its admin socket */
  publishAdmin(adminSocket: string): void;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function readOwner(dataDir: string): DataDirOwner | null {
  let text: string;
  try {
    text = readFileSync(join(dataDir, "owner.json"), "utf8");
  } catch {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = ownerSchema.safeParse(json);
  if (!parsed.success || !isAlive(parsed.data.pid)) return null;
  return parsed.data;
}

/**
 * The data directory holds the embedded database (user links, audit, approvals) and the admin
 * socket's token: it is created 0700, and a directory that the group or others may enter, read or
 * write is refused (the caller exits 2) rather than used.
 */
function ensurePrivateDataDir(dataDir: string): Result<void, AppError> {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    return err(
      new AppError("app.data_dir", `Cannot create the data directory ${dataDir}: ${(error as Error).message}`, {
        cause: error,
      }),
    );
  }
  const mode = statSync(dataDir).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    return err(
      new AppError(
        "app.data_dir_exposed",
        `The data directory ${dataDir} is open to other users (mode ${mode.toString(8).padStart(4, "0")}); it holds the ` +
          `user links, the audit trail and the admin token. Make it private with \`chmod -R go-rwx ${dataDir}\` ` +
          "(or set ABM_DATA_DIR to a new directory) and start again.",
        { context: { dataDir, mode: mode.toString(8) } },
      ),
    );
  }
  return ok(undefined);
}

export function acquireDataDirLock(
  dataDir: string,
  kind: DataDirOwner["kind"],
  command: string,
): Result<DataDirLock, AppError> {
  const dir = ensurePrivateDataDir(dataDir);
  if (!dir.ok) return err(dir.error);
  const path = join(dataDir, "owner.json");
  for (let attempt = 0; attempt < 2; attempt += 1) {
    let fd: number;
    try {
      fd = openSync(path, "wx", 0o600);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        return err(new AppError("app.data_dir", `Cannot write ${path}: ${(error as Error).message}`, { cause: error }));
      }
      const holder = readOwner(dataDir);
      if (holder !== null) {
        return err(
          new AppError(
            "app.data_dir_busy",
            `The data directory ${dataDir} is in use by process ${holder.pid} (abm ${holder.command}, since ${holder.startedAt}). ` +
              "Embedded PGlite allows one process at a time: run CLI commands while the service runs (they are forwarded to it), " +
              "stop that process, or set DATABASE_URL to use PostgreSQL.",
            { retryable: true, context: { pid: holder.pid, command: holder.command } },
          ),
        );
      }
      rmSync(path, { force: true }); // a stale lock from a process that died
      continue;
    }
    const owner: DataDirOwner = {
      pid: process.pid,
      kind,
      command,
      startedAt: new Date().toISOString(),
      adminSocket: null,
      token: kind === "serve" ? randomBytes(24).toString("base64url") : null,
    };
    writeFileSync(fd, JSON.stringify(owner));
    closeSync(fd);
    let current = owner;
    return ok({
      dataDir,
      get owner() {
        return current;
      },
      publishAdmin(adminSocket: string) {
        current = { ...current, adminSocket };
        writeFileSync(path, JSON.stringify(current), { mode: 0o600 });
      },
      release() {
        const holder = readOwner(dataDir);
        if (holder?.pid === process.pid) rmSync(path, { force: true });
      },
    });
  }
  return err(
    new AppError("app.data_dir_busy", `Could not lock the data directory ${dataDir}; try again.`, { retryable: true }),
  );
}
