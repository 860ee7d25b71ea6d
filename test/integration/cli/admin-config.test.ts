import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startAdminChannel } from "#app/admin-socket.js";
import { type CliCommand, success } from "#app/cli/command.js";
import { loadConfig } from "#config/load-config.js";
import { silentLogger } from "#core/logger.js";

/**
 * A forwarded command runs with the service's own Config (loaded once when the service started),
 * never with a configuration re-read from the environment per request.
 */
const TOKEN = "t".repeat(32);

function post(socketPath: string, argv: readonly string[]): Promise<{ exitCode: number; stdout: string }> {
  const body = JSON.stringify({ argv });
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        path: "/cli",
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("the admin socket's configuration", () => {
  const dir = mkdtempSync(join(tmpdir(), "abm-cfg-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("hands forwarded commands the service's Config, whatever the environment says now", async () => {
    const config = loadConfig({ PORT: "4321", DELETION_THRESHOLD: "7" });
    if (!config.ok) throw config.error;
    const seen: CliCommand = {
      name: "seen",
      usage: "abm seen",
      summary: "prints what the command was given",
      args: [],
      flags: [],
      run: async (ctx) =>
        success(
          { port: ctx.config.port, threshold: ctx.config.connections[0].sync.deletionThreshold },
          String(ctx.config.port),
        ),
    };
    const channel = await startAdminChannel({
      dataDir: dir,
      token: TOKEN,
      config: config.value,
      commands: [seen],
      logger: silentLogger,
    });
    if (!channel.ok) throw channel.error;
    const before = process.env.PORT;
    process.env.PORT = "not a port";
    try {
      const answer = await post(channel.value.path, ["seen", "--json"]);
      expect(answer.exitCode).toBe(0);
      expect(JSON.parse(answer.stdout)).toEqual({ ok: true, port: 4321, threshold: 7 });
    } finally {
      if (before === undefined) delete process.env.PORT;
      else process.env.PORT = before;
      await channel.value.close();
    }
  });
});
