import { timingSafeEqual } from "node:crypto";
import { chmodSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from "node:http";
import { join, resolve } from "node:path";
import { z } from "zod";
import type { Config } from "#config/config.js";
import { AppError } from "#core/errors.js";
import type { Logger } from "#core/logger.js";
import { err, ok, type Result } from "#core/result.js";
import type { CliCommand } from "./cli/command.js";
import { runCli } from "./cli/router.js";
import { sendJson } from "./http/server.js";

/**
 * The admin channel: the CLI of another process on this machine runs a command in the running
 * service, against its database (embedded PGlite allows one process). It is a Unix domain socket in
 * the data directory (mode 0600, the directory 0700), never a route of the public HTTP server, so no
 * reverse proxy in front of that server can reach it whatever HOST says; the bearer token from
 * `owner.json` is checked as well. Commands that start a service, the demo or the emulators run in
 * their own process only: through this channel they would start listeners inside the service.
 */
const ADMIN_SOCKET_NAME = "admin.sock";
export const ADMIN_CLI_PATH = "/cli";

/** `serve`, `demo`, `start`, `emulate`: never run inside the service */
export const SERVICE_COMMANDS: ReadonlySet<string> = new Set(["serve", "demo", "start", "emulate"]);

const bodySchema = z.object({ argv: z.array(z.string().max(4096)).max(64) }).strict();
const MAX_BODY = 64 * 1024;
/** sun_path is 104 bytes on macOS, 108 on Linux, both with the terminating NUL */
const MAX_SOCKET_PATH = 103;

function adminSocketPath(dataDir: string): string {
  return join(resolve(dataDir), ADMIN_SOCKET_NAME);
}

/** the word after the global flags: `abm --json serve` → `serve` */
export function commandWord(argv: readonly string[]): string | undefined {
  return argv.find((a) => !a.startsWith("-"));
}

function proxied(headers: IncomingHttpHeaders): string | null {
  for (const name of Object.keys(headers)) {
    if (name === "forwarded" || name === "via" || name.startsWith("x-forwarded-")) return name;
  }
  return null;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith("Bearer ") ? header.slice(7) : "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function parseBody(text: string | null): z.infer<typeof bodySchema> | null {
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = bodySchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

interface AdminOptions {
  readonly token: string;
  /** the service's own configuration: forwarded commands run with it, nothing re-reads the environment */
  readonly config: Config;
  readonly commands: readonly CliCommand[];
}

function createAdminServer(options: AdminOptions): Server {
  const commands = options.commands.filter((c) => !SERVICE_COMMANDS.has(c.name.split(" ")[0] ?? ""));
  const refuse = (status: number, code: string, message: string) => ({ status, body: { error: { code, message } } });
  const answer = async (req: IncomingMessage): Promise<{ status: number; body: unknown }> => {
    if (req.method !== "POST" || (req.url ?? "").split("?")[0] !== ADMIN_CLI_PATH)
      return refuse(404, "admin.not_found", `The admin socket answers POST ${ADMIN_CLI_PATH} only.`);
    const header = proxied(req.headers);
    if (header !== null)
      return refuse(
        403,
        "admin.proxied",
        `The admin socket refuses forwarded requests (${header} header): run the CLI on the service's machine.`,
      );
    if (!tokenMatches(req.headers.authorization, options.token))
      return refuse(401, "admin.unauthorized", "Wrong or missing admin token.");
    const body = parseBody(await readBody(req));
    if (body === null) return refuse(400, "admin.bad_request", 'Expected {"argv": [strings]}.');
    const word = commandWord(body.argv);
    if (word !== undefined && SERVICE_COMMANDS.has(word))
      return refuse(
        400,
        "admin.local_command",
        `\`abm ${word}\` starts its own listeners and runs in its own process, never through the service's admin socket.`,
      );
    const stdout: string[] = [];
    const stderr: string[] = [];
    const exitCode = await runCli({
      argv: body.argv,
      config: ok(options.config),
      stdout: { write: (t) => stdout.push(t) },
      stderr: { write: (t) => stderr.push(t) },
      commands,
      signal: new AbortController().signal,
    });
    return { status: 200, body: { exitCode, stdout: stdout.join(""), stderr: stderr.join("") } };
  };
  return createServer((req, res) => {
    answer(req).then(
      ({ status, body }) => sendJson(res, status, body),
      () => sendJson(res, 500, { error: { code: "admin.failed", message: "The command could not be run." } }),
    );
  });
}

export interface AdminChannel {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * Listens on `<dataDir>/admin.sock` (the caller holds the data-directory lock, so a socket file
 * left there belongs to a process that died and is replaced).
 */
export async function startAdminChannel(
  options: AdminOptions & { readonly dataDir: string; readonly logger: Logger },
): Promise<Result<AdminChannel, AppError>> {
  const path = adminSocketPath(options.dataDir);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH)
    return err(
      new AppError(
        "app.admin_socket_path",
        `The admin socket path ${path} is longer than ${MAX_SOCKET_PATH} bytes, so CLI commands cannot reach the service; ` +
          "set ABM_DATA_DIR to a shorter path.",
        { context: { path } },
      ),
    );
  rmSync(path, { force: true });
  const server = createAdminServer(options);
  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once("error", reject);
      server.listen(path, () => {
        server.off("error", reject);
        resolveListen();
      });
    });
    chmodSync(path, 0o600);
  } catch (error) {
    server.close();
    return err(
      new AppError("app.admin_socket", `Cannot open the admin socket ${path}: ${(error as Error).message}`, {
        cause: error,
        context: { path },
      }),
    );
  }
  server.on("error", (error) => options.logger.error({ err: String(error) }, "admin socket error"));
  return ok({
    path,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeAllConnections();
        rmSync(path, { force: true });
      }),
  });
}
