// `abm emulate --json`: the Apple Business API part of the start line, its key file and control API.
import { statSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createAppleBusinessClient } from "#adapters/apple-business/index.js";
import { createLocalAppAccess } from "#app/cli/app-access.js";
import { createCommandRegistry } from "#app/cli/commands/registry.js";
import { runCli } from "#app/cli/router.js";
import { loadConfig } from "#config/load-config.js";
import { systemClock } from "#core/clock.js";
import { silentLogger } from "#core/logger.js";

const line = z
  .object({
    apple: z.object({
      apiUrl: z.string(),
      tokenUrl: z.string(),
      clientId: z.string().startsWith("BUSINESSAPI."),
      keyId: z.string(),
      privateKeyPath: z.string(),
    }),
  })
  .loose();

describe("abm emulate: the Apple Business API emulator", () => {
  it("prints apple {apiUrl, tokenUrl, clientId, keyId, privateKeyPath}; hand-made users and audit events come through the control API", async () => {
    const stop = new AbortController();
    let stdout = "";
    let printed: () => void = () => undefined;
    const hello = new Promise<void>((resolve) => {
      printed = resolve;
    });
    const exited = runCli({
      argv: ["emulate", "--json", "--users", "0"],
      config: loadConfig({}),
      stdout: {
        write: (text) => {
          stdout += text;
          printed();
        },
      },
      stderr: { write: () => undefined },
      commands: createCommandRegistry({
        clock: systemClock,
        access: createLocalAppAccess({ clock: systemClock }),
        env: {},
      }),
      signal: stop.signal,
    });
    try {
      await Promise.race([hello, new Promise((_, reject) => setTimeout(() => reject(new Error("no line")), 20_000))]);
      const { apple } = line.parse(JSON.parse(stdout));
      expect(statSync(apple.privateKeyPath).mode & 0o777).toBe(0o600);
      const control = apple.apiUrl.replace(/\/v1$/, "/_emulator");
      const post = (path: string, body: unknown) =>
        fetch(`${control}/${path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      expect(
        (await post("users", { managedAppleAccount: "hand.made@contoso.com", status: "LOCKED", firstName: "Hand" }))
          .status,
      ).toBe(201);
      expect(
        (
          await post("auditEvents", {
            eventDateTime: "2026-12-01T09:00:00Z",
            type: "ACCOUNT_ADDED",
            actorType: "USER",
            subjectName: "hand.made@contoso.com",
          })
        ).status,
      ).toBe(201);
      expect((await post("users", { status: "ACTIVE" })).status).toBe(400);

      const client = createAppleBusinessClient({ ...apple, clock: systemClock, logger: silentLogger });
      if (!client.ok) throw client.error;
      const users = await client.value.listUsers();
      expect(users.ok && users.value.map((u) => [u.managedAppleAccount, u.status])).toEqual([
        ["hand.made@contoso.com", "LOCKED"],
      ]);
      const events = await client.value.listAuditEvents({ start: new Date("2026-11-30T00:00:00Z") });
      expect(events.ok && events.value.map((e) => [e.type, e.outcome])).toEqual([["ACCOUNT_ADDED", "SUCCESS"]]);

      // no assertion, no token; no token, no data
      const token = await fetch(apple.tokenUrl, { method: "POST", body: "grant_type=client_credentials" });
      expect(token.status).toBe(400);
      const unauthenticated = await fetch(`${apple.apiUrl}/auditEvents`);
      expect(unauthenticated.status).toBe(401);
    } finally {
      stop.abort();
      expect(await exited).toBe(0);
    }
  });
});
