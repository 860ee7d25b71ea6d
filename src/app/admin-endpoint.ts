import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { CliCommand } from "./cli/command.js";
import { runCli } from "./cli/router.js";
import { type HttpHandler, sendJson } from "./http/server.js";

const bodySchema = z.object({ argv: z.array(z.string().max(4096)).max(64) }).strict();
const MAX_BODY = 64 * 1024;

function isLoopback(address: string | undefined): boolean {
  return address === "127.0.0.1" || address === "::1" || address === "::ffff:127.0.0.1";
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

/**
 * `POST /_admin/cli`: the CLI of another process on this machine runs a command here, against the
 * running service's database (embedded PGlite allows one process). Loopback only, bearer token
 * from the data directory (file mode 0600).
 */
export function createAdminHandler(options: {
  token: string;
  env: Readonly<Record<string, string | undefined>>;
  commands: readonly CliCommand[];
}): HttpHandler {
  return async (req, res) => {
    if (!isLoopback(req.socket.remoteAddress))
      return sendJson(res, 403, {
        error: { code: "admin.not_loopback", message: "The admin endpoint answers loopback only." },
      });
    if (!tokenMatches(req.headers.authorization, options.token))
      return sendJson(res, 401, { error: { code: "admin.unauthorized", message: "Wrong or missing admin token." } });
    const text = await readBody(req);
    let json: unknown = null;
    try {
      json = text === null ? null : JSON.parse(text);
    } catch {
      json = null;
    }
    const parsed = bodySchema.safeParse(json);
    if (!parsed.success)
      return sendJson(res, 400, { error: { code: "admin.bad_request", message: 'Expected {"argv": [strings]}.' } });
    const stdout: string[] = [];
    const stderr: string[] = [];
    const exitCode = await runCli({
      argv: parsed.data.argv,
      env: options.env,
      stdout: { write: (t) => stdout.push(t) },
      stderr: { write: (t) => stderr.push(t) },
      commands: options.commands,
      signal: new AbortController().signal,
    });
    sendJson(res, 200, { exitCode, stdout: stdout.join(""), stderr: stderr.join("") });
  };
}
