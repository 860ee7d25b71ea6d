import { request } from "node:http";
import { z } from "zod";
import type { Config } from "#config/config.js";
import { ADMIN_CLI_PATH, commandWord, SERVICE_COMMANDS } from "../admin-socket.js";
import { readOwner } from "../process-lock.js";
import type { Writer } from "./command.js";

/** Commands that always run in the calling process (they start or inspect things themselves). */
const LOCAL_COMMANDS = new Set([...SERVICE_COMMANDS, "config", "help", "--help", "-h"]);

const responseSchema = z.object({ exitCode: z.number().int(), stdout: z.string(), stderr: z.string() });
const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });
const TIMEOUT_MS = 30 * 60 * 1000;

function post(socketPath: string, token: string, body: string): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        path: ADMIN_CLI_PATH,
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
        timeout: TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          let json: unknown = null;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString("utf8"));
          } catch {
            json = null;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer within 30 minutes")));
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * With embedded PGlite only one process may open the data directory. When a service (`abm serve`,
 * `npm start`) holds it, the CLI sends the command line over the service's admin socket in the data
 * directory (token from `owner.json`) and prints its answer. Returns null when the command runs here.
 */
export async function forwardToService(
  argv: readonly string[],
  config: Config,
  stdout: Writer,
  stderr: Writer,
): Promise<number | null> {
  const first = commandWord(argv) ?? argv[0];
  if (first === undefined || LOCAL_COMMANDS.has(first) || config.database.kind !== "pglite") return null;
  const owner = readOwner(config.database.dataDir);
  if (owner === null || owner.kind !== "serve" || owner.token === null) return null;
  if (owner.adminSocket === null) {
    stderr.write(
      `abm: the service (process ${owner.pid}) holds the data directory but has no admin socket (its log says why); stop it to run CLI commands.\n`,
    );
    return 1;
  }
  let answer: { status: number; json: unknown };
  try {
    answer = await post(owner.adminSocket, owner.token, JSON.stringify({ argv }));
  } catch (error) {
    stderr.write(
      `abm: the service (process ${owner.pid}) holds the data directory but did not answer on ${owner.adminSocket}: ${(error as Error).message}\n`,
    );
    return 1;
  }
  const parsed = responseSchema.safeParse(answer.json);
  if (answer.status !== 200 || !parsed.success) {
    const refused = errorSchema.safeParse(answer.json);
    stderr.write(
      `abm: the service (process ${owner.pid}) refused the command (${refused.success ? `${refused.data.error.code}: ${refused.data.error.message}` : `HTTP ${answer.status}`}).\n`,
    );
    return 1;
  }
  stdout.write(parsed.data.stdout);
  stderr.write(parsed.data.stderr);
  return parsed.data.exitCode;
}
