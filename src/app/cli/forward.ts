import { z } from "zod";
import type { Config } from "#config/config.js";
import { readOwner } from "../process-lock.js";
import type { Writer } from "./command.js";

/** Commands that always run in the calling process (they start or inspect things themselves). */
const LOCAL_COMMANDS = new Set(["serve", "demo", "start", "emulate", "config", "help", "--help", "-h"]);

const responseSchema = z.object({ exitCode: z.number().int(), stdout: z.string(), stderr: z.string() });

/**
 * With embedded PGlite only one process may open the data directory. When a service (`abm serve`,
 * `npm start`) holds it, the CLI sends the command line to the service's loopback admin endpoint
 * (token from the data directory) and prints its answer. Returns null when the command runs here.
 */
export async function forwardToService(
  argv: readonly string[],
  config: Config,
  stdout: Writer,
  stderr: Writer,
): Promise<number | null> {
  const first = argv.find((a) => !a.startsWith("-")) ?? argv[0];
  if (first === undefined || LOCAL_COMMANDS.has(first) || config.database.kind !== "pglite") return null;
  const owner = readOwner(config.database.dataDir);
  if (owner === null || owner.kind !== "serve" || owner.adminUrl === null || owner.token === null) return null;
  let response: Response;
  try {
    response = await fetch(`${owner.adminUrl}/_admin/cli`, {
      method: "POST",
      headers: { authorization: `Bearer ${owner.token}`, "content-type": "application/json" },
      body: JSON.stringify({ argv }),
      signal: AbortSignal.timeout(30 * 60 * 1000),
    });
  } catch (error) {
    stderr.write(
      `abm: the service (process ${owner.pid}) holds the data directory but did not answer at ${owner.adminUrl}: ${(error as Error).message}\n`,
    );
    return 1;
  }
  const parsed = responseSchema.safeParse(await response.json().catch(() => null));
  if (!response.ok || !parsed.success) {
    stderr.write(`abm: the service (process ${owner.pid}) refused the command (HTTP ${response.status}).\n`);
    return 1;
  }
  stdout.write(parsed.data.stdout);
  stderr.write(parsed.data.stderr);
  return parsed.data.exitCode;
}
