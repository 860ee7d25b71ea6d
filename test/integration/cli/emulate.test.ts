// `abm emulate` in process: the --json start line with its ABM and Apple Business API parts, the
// flags that make the ABM emulator play a real, distant ABM, and the Apple emulator's key file and
// control API — one emulate run checks them all (each start costs both emulators and a certificate).
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
    abm: z.object({ scimUrl: z.string(), token: z.string() }),
    apple: z.object({
      apiUrl: z.string(),
      tokenUrl: z.string(),
      clientId: z.string().startsWith("BUSINESSAPI."),
      keyId: z.string(),
      privateKeyPath: z.string(),
    }),
  })
  .loose();

function registry() {
  return createCommandRegistry({
    clock: systemClock,
    access: createLocalAppAccess({ clock: systemClock }),
    env: {},
  });
}

/** The ABM emulator behind a 2 requests/s limit and 40 ms latency: two answers, then 429 with Retry-After. */
async function expectDistantAbm(abm: { scimUrl: string; token: string }): Promise<void> {
  const get = async (): Promise<{ status: number; retryAfter: string | null; ms: number }> => {
    const started = performance.now();
    const res = await fetch(`${abm.scimUrl}/Users`, { headers: { authorization: `Bearer ${abm.token}` } });
    await res.text();
    return { status: res.status, retryAfter: res.headers.get("retry-after"), ms: performance.now() - started };
  };
  const answers = [await get(), await get(), await get()];
  expect(answers.map((a) => [a.status, a.retryAfter])).toEqual([
    [200, null],
    [200, null],
    [429, "1"],
  ]);
  for (const answer of answers) expect(answer.ms).toBeGreaterThanOrEqual(38);
}

/** The Apple part: a 0600 key file; hand-made users and audit events through the control API reach the real client. */
async function expectAppleEmulator(apple: z.infer<typeof line>["apple"]): Promise<void> {
  expect(statSync(apple.privateKeyPath).mode & 0o777).toBe(0o600);
  const control = apple.apiUrl.replace(/\/v1$/, "/_emulator");
  const post = (path: string, body: unknown) =>
    fetch(`${control}/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  expect(
    (await post("users", { managedAppleAccount: "hand.made@contoso.com", status: "LOCKED", firstName: "Hand" })).status,
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
}

describe("abm emulate", () => {
  it("--json prints abm {scimUrl, token} and apple {apiUrl, tokenUrl, clientId, keyId, privateKeyPath}; --abm-rate-limit and --abm-latency-ms make a slow ABM that answers 429 with Retry-After over the limit; the Apple emulator's control API feeds the real client", async () => {
    const stop = new AbortController();
    let stdout = "";
    let printed: () => void = () => undefined;
    const hello = new Promise<void>((resolve) => {
      printed = resolve;
    });
    const exited = runCli({
      argv: ["emulate", "--json", "--users", "0", "--abm-rate-limit", "2", "--abm-latency-ms", "40"],
      config: loadConfig({}),
      stdout: {
        write: (text) => {
          stdout += text;
          printed();
        },
      },
      stderr: { write: () => undefined },
      commands: registry(),
      signal: stop.signal,
    });
    try {
      await Promise.race([hello, new Promise((_, reject) => setTimeout(() => reject(new Error("no line")), 20_000))]);
      const { abm, apple } = line.parse(JSON.parse(stdout));
      await expectDistantAbm(abm);
      await expectAppleEmulator(apple);
    } finally {
      stop.abort();
      expect(await exited).toBe(0);
    }
  });

  it("refuses a rate limit of 0 as bad usage", async () => {
    let stderr = "";
    const code = await runCli({
      argv: ["emulate", "--abm-rate-limit", "0"],
      config: loadConfig({}),
      stdout: { write: () => undefined },
      stderr: {
        write: (text) => {
          stderr += text;
        },
      },
      commands: registry(),
      signal: new AbortController().signal,
    });
    expect(code).toBe(2);
    expect(stderr).toMatch(/abm-rate-limit/);
  });
});
